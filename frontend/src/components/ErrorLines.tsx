// Messages about a run shown as alert lines under its status (empty ones left out).
export function ErrorLines({ messages }: { messages: (string | null)[] }) {
  return (
    <>
      {messages.map(
        (m, i) =>
          m && (
            <p key={i} class="error-text" role="alert">
              {m}
            </p>
          ),
      )}
    </>
  );
}
