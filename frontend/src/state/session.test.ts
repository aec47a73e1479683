import { describe, expect, it } from "vitest";
import { ApiError } from "../api/client";
import { loginError, sessionFrom } from "./session";

describe("sessionFrom", () => {
  it("shows the app for a user", () => {
    const me = { name: "ann", role: "member" as const, auth: "on" as const };
    expect(sessionFrom(me)).toEqual({ kind: "in", me });
  });
  it("asks for a login on 401", () => {
    expect(sessionFrom(new ApiError(401, "log in first"))).toEqual({ kind: "login" });
  });
  it("says the server is unreachable otherwise (and does not ask for a login)", () => {
    const s = sessionFrom(new ApiError(0, "The server cannot be reached. Is it running?"));
    expect(s.kind).toBe("unreachable");
  });
});

describe("loginError", () => {
  it("does not say which of name or password was wrong", () => {
    expect(loginError(new ApiError(401, "wrong user name or password"))).toBe(
      "Wrong user name or password.",
    );
  });
  it("passes on the rate limit's wait", () => {
    const e = new ApiError(429, "too many failed logins for this name: try again in 42 seconds");
    expect(loginError(e)).toContain("42 seconds");
  });
});
