// A patient's and a therapist's journey through the typed client only.
// Run by tests/clients/test_typescript_client.py against a server it starts:
// KAPJ_BASE_URL, KAPJ_PATIENT_EMAIL, KAPJ_THERAPIST_EMAIL, KAPJ_PASSWORD, KAPJ_NOW.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import createClient from "openapi-fetch";
import type { components, paths } from "../generated/schema.js";

type Problem = components["schemas"]["Problem"];
type SignIn = components["schemas"]["SignInForm"];

function env(name: string): string {
  const value = process.env[name];
  if (value === undefined) throw new Error(`${name} is not set`);
  return value;
}

const baseUrl = env("KAPJ_BASE_URL");
const now = new Date(env("KAPJ_NOW"));
const hoursAgo = (h: number): string => new Date(now.getTime() - h * 3_600_000).toISOString();

async function signIn(username: string): Promise<ReturnType<typeof createClient<paths>>> {
  const anonymous = createClient<paths>({ baseUrl });
  const { data, error } = await anonymous.POST("/v1/auth/token", {
    body: { grant_type: "password", username, password: env("KAPJ_PASSWORD") },
    bodySerializer: (form: SignIn) =>
      new URLSearchParams({ grant_type: "password", username: form.username, password: form.password }).toString(),
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
  });
  if (error !== undefined) throw new Error(`sign-in failed: ${error.code}`);
  assert.equal(data.token_type, "bearer");
  return createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${data.access_token}` } });
}

function problem(error: Problem | undefined, status: number, code: Problem["code"]): Problem {
  assert.ok(error !== undefined, `expected a ${status} problem`);
  assert.equal(error.status, status);
  assert.equal(error.code, code);
  return error;
}

async function main(): Promise<void> {
  const therapist = await signIn(env("KAPJ_THERAPIST_EMAIL"));
  const patient = await signIn(env("KAPJ_PATIENT_EMAIL"));

  const me = await patient.GET("/v1/me");
  assert.ok(me.data !== undefined);
  const patientId = me.data.id;

  // The therapist records the session; the patient's window opens.
  const session = await therapist.POST("/v1/patients/{patient_id}/sessions", {
    params: { path: { patient_id: patientId } },
    body: { administered_at: hoursAgo(3), route: "im", dose_mg: 52.5 },
  });
  assert.ok(session.data !== undefined, JSON.stringify(session.error));
  const sessionId = session.data.id;

  const window = await patient.GET("/v1/me/window");
  assert.equal(window.data?.open, true);
  assert.equal(window.data?.phase, "early");

  const prompt = await patient.GET("/v1/prompts/next");
  assert.ok(prompt.data !== undefined);
  assert.ok(prompt.data.text.length > 0);

  // Create, and replay with the same id: the same entry, marked as a replay.
  const id = randomUUID();
  const body = { id, body: "The music felt like a warm room.", written_at: hoursAgo(1), mood: 6 };
  const created = await patient.POST("/v1/entries", { body });
  assert.equal(created.response.status, 201);
  assert.ok(created.data !== undefined);
  assert.equal(created.data.kind, "entry");
  assert.equal(created.data.deleted, false);
  const replay = await patient.POST("/v1/entries", { body });
  assert.equal(replay.response.status, 201);
  assert.equal(replay.response.headers.get("Idempotent-Replayed"), "true");
  assert.equal(replay.data?.id, id);
  for (const text of ["second", "third"]) {
    const more = await patient.POST("/v1/entries", { body: { body: text, written_at: hoursAgo(0.5) } });
    assert.equal(more.response.status, 201);
  }

  // Cursor pages to the end.
  const seen: string[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await patient.GET("/v1/entries", { params: { query: { limit: 2, cursor } } });
    assert.ok(page.data !== undefined);
    seen.push(...page.data.items.map((e) => e.id));
    if (page.data.next_cursor === null) break;
    cursor = page.data.next_cursor;
  }
  assert.equal(seen.length, 3);

  // PATCH and DELETE with the ETag of a GET.
  const read = await patient.GET("/v1/entries/{entry_id}", { params: { path: { entry_id: id } } });
  const etag = read.response.headers.get("ETag");
  assert.ok(etag !== null);
  const patched = await patient.PATCH("/v1/entries/{entry_id}", {
    params: { path: { entry_id: id }, header: { "If-Match": etag } },
    body: { mood: 7 },
  });
  assert.equal(patched.data?.mood, 7);
  const second = seen.find((e) => e !== id);
  assert.ok(second !== undefined);
  const other = await patient.GET("/v1/entries/{entry_id}", { params: { path: { entry_id: second } } });
  const otherTag = other.response.headers.get("ETag");
  assert.ok(otherTag !== null);
  const deleted = await patient.DELETE("/v1/entries/{entry_id}", {
    params: { path: { entry_id: second }, header: { "If-Match": otherTag } },
  });
  assert.equal(deleted.response.status, 204);

  // Sync: entries and the tombstone, told apart by `kind`.
  const sync = await patient.GET("/v1/entries/sync", { params: { query: {} } });
  assert.ok(sync.data !== undefined);
  const tombstones = sync.data.changes.filter((c) => c.kind === "tombstone").map((c) => c.id);
  const entries = sync.data.changes.flatMap((c) => (c.kind === "entry" ? [c.body] : []));
  assert.deepEqual(tombstones, [second]);
  assert.equal(entries.length, 2);
  const again = await patient.GET("/v1/entries/sync", { params: { query: { since: sync.data.next_since } } });
  assert.deepEqual(again.data?.changes, []);

  // The therapist: queue, review, summary.
  const queue = await therapist.GET("/v1/therapist/queue");
  assert.ok(queue.data !== undefined);
  assert.ok(queue.data.items.some((i) => i.patient.id === patientId));
  const review = await therapist.PUT("/v1/entries/{entry_id}/review", {
    params: { path: { entry_id: id } },
    body: { note: "Bring up the warm room.", discuss: true },
  });
  assert.equal(review.data?.discuss, true);
  const summary = await therapist.GET("/v1/patients/{patient_id}/sessions/{session_id}/summary", {
    params: { path: { patient_id: patientId, session_id: sessionId } },
  });
  assert.ok(summary.data !== undefined);
  assert.equal(summary.data.entries.length, 2);
  assert.deepEqual(summary.data.mood_series.map((m) => m.mood), [7]);

  // Problems, typed.
  const missing = await patient.GET("/v1/entries/{entry_id}", { params: { path: { entry_id: randomUUID() } } });
  problem(missing.error, 404, "entry_not_found");
  const invalid = await patient.POST("/v1/entries", { body: { body: "x", written_at: hoursAgo(0), mood: 11 } });
  const refused = problem(invalid.error, 422, "validation_failed");
  assert.deepEqual(refused.errors?.[0]?.loc, ["body", "mood"]);
  console.log("typescript journey: ok");
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
