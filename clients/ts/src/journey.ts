// A patient's and a therapist's journey through the typed client only.
// Run by tests/clients/test_typescript_client.py against a server it starts:
// KAPJ_BASE_URL, KAPJ_PATIENT_EMAIL, KAPJ_THERAPIST_EMAIL, KAPJ_PASSWORD, KAPJ_NOW.
import assert from "node:assert/strict";
import { createHmac, randomUUID } from "node:crypto";
import createClient from "openapi-fetch";
import type { components, paths } from "../generated/schema.js";

type Problem = components["schemas"]["Problem"];
type SignIn = components["schemas"]["SignInForm"];
type Client = ReturnType<typeof createClient<paths>>;

function env(name: string): string {
  const value = process.env[name];
  if (value === undefined) throw new Error(`${name} is not set`);
  return value;
}

const baseUrl = env("KAPJ_BASE_URL");
const now = new Date(env("KAPJ_NOW"));
const hoursAgo = (h: number): string => new Date(now.getTime() - h * 3_600_000).toISOString();

function passwordStep(username: string) {
  return createClient<paths>({ baseUrl }).POST("/v1/auth/token", {
    body: { grant_type: "password", username, password: env("KAPJ_PASSWORD") },
    bodySerializer: (form: SignIn) =>
      new URLSearchParams({ grant_type: "password", username: form.username, password: form.password }).toString(),
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
  });
}

async function signIn(username: string): Promise<Client> {
  const { data, error } = await passwordStep(username);
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
  await secondPass(patient, therapist, patientId, sessionId);
  console.log("typescript journey: ok");
}

// RFC 6238 with the authenticator app's defaults (SHA-1, 30 s, 6 digits).
function totp(secret: string, at: Date): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  const bits = [...secret.replace(/=+$/, "").toUpperCase()]
    .map((c) => alphabet.indexOf(c).toString(2).padStart(5, "0"))
    .join("");
  const key = Buffer.from((bits.match(/.{8}/g) ?? []).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at.getTime() / 30_000)));
  const mac = createHmac("sha1", key).update(counter).digest();
  const offset = (mac[mac.length - 1] ?? 0) & 0xf;
  return ((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).toString().padStart(6, "0");
}

// The staff member enrols an authenticator app, then signs in again: the password step's
// 401 is read through the declared MfaRequiredProblem, and a recovery code finishes it.
async function mfaSignIn(staff: Client, username: string): Promise<Client> {
  const enrolment = await staff.POST("/v1/me/mfa/totp", {});
  assert.ok(enrolment.data !== undefined, JSON.stringify(enrolment.error));
  const confirmed = await staff.POST("/v1/me/mfa/totp/confirm", {
    body: { code: totp(enrolment.data.secret, now) },
  });
  assert.ok(confirmed.data !== undefined, JSON.stringify(confirmed.error));
  const first = await passwordStep(username);
  assert.equal(first.response.status, 401);
  const asked = first.error;
  assert.ok(asked !== undefined && "mfa_token" in asked && asked.code === "mfa_required");
  const mfaToken = asked.mfa_token;
  assert.ok(typeof mfaToken === "string" && mfaToken.length > 0);
  const { data, error } = await createClient<paths>({ baseUrl }).POST("/v1/auth/mfa", {
    body: { mfa_token: mfaToken, code: confirmed.data.recovery_codes[0] ?? "" },
  });
  assert.ok(data !== undefined, JSON.stringify(error));
  return createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${data.access_token}` } });
}

type Page<T> = { items: T[]; next_cursor: string | null };

// Every item of a list, one item per page, through `cursor`.
async function pages<T>(read: (cursor: string | undefined) => Promise<{ data?: Page<T>; error?: unknown }>): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await read(cursor);
    assert.ok(page.data !== undefined, JSON.stringify(page.error));
    items.push(...page.data.items);
    if (page.data.next_cursor === null) return items;
    cursor = page.data.next_cursor;
  }
}

async function secondPass(patient: Client, staff: Client, patientId: string, sessionId: string): Promise<void> {
  const therapist = await mfaSignIn(staff, env("KAPJ_THERAPIST_EMAIL"));

  // A PHQ-9 and the daily check-in through their own typed bodies (the check-in safe to
  // retry): `code` picks the instrument's schema, which names its items.
  const phq9Answers: components["schemas"]["Phq9Answers"] = {
    phq9_1: 0, phq9_2: 0, phq9_3: 0, phq9_4: 0, phq9_5: 0, phq9_6: 0, phq9_7: 0, phq9_8: 0, phq9_9: 0,
  };
  const phq9 = await patient.POST("/v1/questionnaire-responses", {
    body: { code: "phq9", answers: phq9Answers, answered_at: now.toISOString() },
  });
  assert.ok(phq9.data !== undefined, JSON.stringify(phq9.error));
  assert.deepEqual([phq9.data.score, phq9.data.severity], [0, "minimal"]);
  const checkIn: components["schemas"]["DailyCheckInResponseCreate"] = {
    code: "daily_check_in",
    answers: { check_in_1: 0, check_in_2: 0, check_in_mood: 7 },
    answered_at: now.toISOString(),
  };
  for (const replayed of [null, "true"]) {
    const answered = await patient.POST("/v1/questionnaire-responses", {
      params: { header: { "Idempotency-Key": "check-in-1" } },
      body: checkIn,
    });
    assert.equal(answered.response.status, 201, JSON.stringify(answered.error));
    assert.equal(answered.response.headers.get("Idempotent-Replayed"), replayed);
    assert.deepEqual([answered.data?.score, answered.data?.severity], [7, "none"]);
  }

  // A merge patch whose null clears the mood and keeps the text.
  const entry = await patient.POST("/v1/entries", { body: { body: "warm room", written_at: now.toISOString(), mood: 6 } });
  assert.ok(entry.data !== undefined);
  const entryId = entry.data.id;
  const read = await patient.GET("/v1/entries/{entry_id}", { params: { path: { entry_id: entryId } } });
  const etag = read.response.headers.get("ETag");
  assert.ok(etag !== null);
  const cleared = await patient.PATCH("/v1/entries/{entry_id}", {
    params: { path: { entry_id: entryId }, header: { "If-Match": etag } },
    body: { mood: null },
    headers: { "Content-Type": "application/merge-patch+json" },
  });
  assert.deepEqual([cleared.data?.mood, cleared.data?.body], [null, "warm room"]);

  // A 304 for a current copy.
  const current = await patient.GET("/v1/entries/{entry_id}", { params: { path: { entry_id: entryId } } });
  const tag = current.response.headers.get("ETag");
  assert.ok(tag !== null);
  const unchanged = await patient.GET("/v1/entries/{entry_id}", {
    params: { path: { entry_id: entryId }, header: { "If-None-Match": tag } },
  });
  assert.equal(unchanged.response.status, 304);
  assert.equal(unchanged.data, undefined);

  // Both exports, each with its own type.
  const exported = await patient.GET("/v1/me/export");
  assert.ok(exported.data !== undefined && exported.data.entries.length > 0);
  const bundle = await patient.GET("/v1/me/export/fhir");
  assert.ok(bundle.data !== undefined, JSON.stringify(bundle.error));
  assert.equal(bundle.data.resourceType, "Bundle");

  // Every list pages with a cursor.
  for (const client of [patient, therapist]) {
    const listed = await pages((cursor) =>
      client.GET("/v1/sessions", { params: { query: { patient_id: patientId, limit: 1, cursor } } }),
    );
    assert.deepEqual(listed.map((s) => s.id), [sessionId]);
  }
  const team = await pages((cursor) => patient.GET("/v1/me/care-team", { params: { query: { limit: 1, cursor } } }));
  assert.equal(team.length, 1);
  const queue = await pages((cursor) => therapist.GET("/v1/therapist/queue", { params: { query: { limit: 1, cursor } } }));
  assert.ok(queue.some((i) => i.patient.id === patientId));
  const path = { patient_id: patientId };
  await pages((cursor) =>
    patient.GET("/v1/patients/{patient_id}/integration-sessions", { params: { path, query: { limit: 1, cursor } } }),
  );
  await pages((cursor) => therapist.GET("/v1/patients/{patient_id}/prompts", { params: { path, query: { limit: 1, cursor } } }));

  // Values a later server may add decode: codes, phases and techniques are open strings.
  const future: Problem = JSON.parse('{"type": "about:blank", "title": "New", "status": 418, "code": "a_code_of_v1_9"}');
  const code: Problem["code"] = "a_code_of_v1_9";
  const phase: components["schemas"]["Phase"] = "afterglow";
  const technique: components["schemas"]["Technique"] = "breathwork";
  assert.deepEqual([future.code, code, phase, technique], ["a_code_of_v1_9", "a_code_of_v1_9", "afterglow", "breathwork"]);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
