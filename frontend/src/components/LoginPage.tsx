// The login form, shown when the server has accounts and this browser is not logged in.
import { useState } from "preact/hooks";
import { api } from "../api/client";
import type { Me } from "../api/types";
import { loginError } from "../state/session";

export function LoginPage({ onLogin }: { onLogin: (me: Me) => void }) {
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onLogin((await api.login(name.trim(), password)).user);
    } catch (err) {
      setError(loginError(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="login" onSubmit={submit} aria-label="Log in">
      <h1>Log in to NN Playground</h1>
      <label>
        User name
        <input
          name="username"
          autocomplete="username"
          required
          value={name}
          onInput={(e) => setName(e.currentTarget.value)}
        />
      </label>
      <label>
        Password
        <input
          name="password"
          type="password"
          autocomplete="current-password"
          required
          value={password}
          onInput={(e) => setPassword(e.currentTarget.value)}
        />
      </label>
      {error && (
        <p class="banner error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" class="primary" disabled={busy}>
        Log in
      </button>
      <p class="hint">Your teacher or the server's admin gives you an account.</p>
    </form>
  );
}
