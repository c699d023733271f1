// The journey of ../src/journey.ts through the client openapi-generator's typescript-fetch
// generator makes (as a React Native app would use it): generated API classes and models only.
// Run by tests/clients/test_typescript_fetch_client.py against a server it starts:
// KAPJ_BASE_URL, KAPJ_PATIENT_EMAIL, KAPJ_THERAPIST_EMAIL, KAPJ_PASSWORD, KAPJ_NOW.
import assert from "node:assert/strict";
import { createHmac, randomUUID } from "node:crypto";
import {
  AccountsApi,
  AuthApi,
  Configuration,
  EntriesApi,
  EntryPublicFromJSON,
  ExportApi,
  IntegrationApi,
  MfaRequiredProblemFromJSON,
  OpenWindowFromJSON,
  ProblemFromJSON,
  PromptPublicFromJSON,
  PromptsApi,
  QuestionnairesApi,
  ResponseError,
  ReviewsApi,
  SessionsApi,
  TherapistApi,
  type DailyCheckInResponseCreate,
  type Phq9Answers,
  type Problem,
} from "../generated/fetch";

function env(name: string): string {
  const value = process.env[name];
  if (value === undefined) throw new Error(`${name} is not set`);
  return value;
}

const basePath = env("KAPJ_BASE_URL");
const now = new Date(env("KAPJ_NOW"));
const hoursAgo = (h: number): Date => new Date(now.getTime() - h * 3_600_000);

// The security scheme is OAuth2: the generated code sends what `accessToken` returns as
// the whole Authorization header, so it returns the "Bearer " prefix too.
const signedIn = (token: string): Configuration =>
  new Configuration({ basePath, accessToken: async () => `Bearer ${token}` });

function passwordStep(username: string) {
  return new AuthApi(new Configuration({ basePath })).createToken({
    username,
    password: env("KAPJ_PASSWORD"),
    grantType: "password",
  });
}

async function signIn(username: string): Promise<Configuration> {
  const tokens = await passwordStep(username);
  assert.equal(tokens.tokenType, "bearer");
  return signedIn(tokens.accessToken);
}

// A non-2xx answer is thrown as ResponseError; its body is read through a declared model.
async function refused(call: Promise<unknown>, status: number): Promise<Response> {
  try {
    await call;
  } catch (err: unknown) {
    assert.ok(err instanceof ResponseError, String(err));
    assert.equal(err.response.status, status);
    return err.response;
  }
  assert.fail(`expected ${status}`);
}

async function problem(call: Promise<unknown>, status: number, code: string): Promise<Problem> {
  const response = await refused(call, status);
  assert.equal(response.headers.get("Content-Type"), "application/problem+json");
  const body = ProblemFromJSON(await response.json());
  assert.deepEqual([body.status, body.code], [status, code]);
  return body;
}

async function main(): Promise<void> {
  const staff = await signIn(env("KAPJ_THERAPIST_EMAIL"));
  const patient = await signIn(env("KAPJ_PATIENT_EMAIL"));
  const entries = new EntriesApi(patient);

  const patientId = (await new AccountsApi(patient).readMe()).id;

  // The therapist records the session; the patient's window opens.
  const session = await new SessionsApi(staff).createSession({
    patientId,
    sessionCreate: { administeredAt: hoursAgo(3), route: "im", doseMg: 52.5 },
  });
  const sessionId = session.id;
  const window = await new SessionsApi(patient).readMyWindow({});
  assert.equal(window.open, true);
  assert.equal(window.phase, "early");
  const prompt = await new PromptsApi(patient).readNextPrompt({});
  assert.ok(prompt.text.length > 0);

  // Create, and replay with the same id: the same entry, marked as a replay.
  const id = randomUUID();
  const entryCreate = { id, body: "The music felt like a warm room.", writtenAt: hoursAgo(1), mood: 6 };
  const created = await entries.createEntryRaw({ entryCreate });
  assert.equal(created.raw.status, 201);
  const first = await created.value();
  assert.deepEqual([first.kind, first.deleted], ["entry", false]);
  const replay = await entries.createEntryRaw({ entryCreate });
  assert.equal(replay.raw.status, 201);
  assert.equal(replay.raw.headers.get("Idempotent-Replayed"), "true");
  assert.equal((await replay.value()).id, id);
  for (const text of ["second", "third"]) {
    await entries.createEntry({ entryCreate: { body: text, writtenAt: hoursAgo(0.5) } });
  }

  // Cursor pages to the end.
  const seen = (await pages((cursor) => entries.listEntries({ limit: 2, cursor }))).map((e) => e.id);
  assert.equal(seen.length, 3);

  // PATCH and DELETE with the ETag of a GET.
  const read = await entries.readEntryRaw({ entryId: id });
  const etag = read.raw.headers.get("ETag");
  assert.ok(etag !== null);
  const patched = await entries.updateEntry({ entryId: id, ifMatch: etag, entryUpdate: { mood: 7 } });
  assert.equal(patched.mood, 7);
  const second = seen.find((e) => e !== id);
  assert.ok(second !== undefined);
  const otherTag = (await entries.readEntryRaw({ entryId: second })).raw.headers.get("ETag");
  assert.ok(otherTag !== null);
  await entries.deleteEntry({ entryId: second, ifMatch: otherTag });

  // Sync: entries and the tombstone, told apart by `kind`.
  const sync = await entries.syncEntries({});
  const tombstones = sync.changes.filter((c) => c.kind === "tombstone").map((c) => c.id);
  const synced = sync.changes.flatMap((c) => (c.kind === "entry" ? [c.body] : []));
  assert.deepEqual(tombstones, [second]);
  assert.equal(synced.length, 2);
  assert.deepEqual((await entries.syncEntries({ since: sync.nextSince })).changes, []);

  // The therapist: queue, review, summary.
  const queue = await new TherapistApi(staff).readQueue({});
  assert.ok(queue.items.some((i) => i.patient.id === patientId));
  const review = await new ReviewsApi(staff).reviewEntry({
    entryId: id,
    reviewPut: { note: "Bring up the warm room.", discuss: true },
  });
  assert.equal(review.discuss, true);
  const summary = await new TherapistApi(staff).readSummary({ patientId, sessionId });
  assert.equal(summary.entries.length, 2);
  assert.deepEqual(summary.moodSeries.map((m) => m.mood), [7]);

  // Problems, typed.
  await problem(entries.readEntry({ entryId: randomUUID() }), 404, "entry_not_found");
  const invalid = await problem(
    entries.createEntry({ entryCreate: { body: "x", writtenAt: hoursAgo(0), mood: 11 } }),
    422,
    "validation_failed",
  );
  assert.deepEqual(invalid.errors?.[0]?.loc, ["body", "mood"]);
  await secondPass(patient, staff, patientId, sessionId);
  console.log("typescript-fetch journey: ok");
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
async function mfaSignIn(staff: Configuration, username: string): Promise<Configuration> {
  const accounts = new AccountsApi(staff);
  const enrolment = await accounts.startTotpEnrolment({});
  const confirmed = await accounts.confirmTotpEnrolment({ mfaCodeIn: { code: totp(enrolment.secret, now) } });
  const asked = MfaRequiredProblemFromJSON(await (await refused(passwordStep(username), 401)).json());
  assert.equal(asked.code, "mfa_required");
  const mfaToken = asked.mfaToken;
  assert.ok(typeof mfaToken === "string" && mfaToken.length > 0);
  const tokens = await new AuthApi(new Configuration({ basePath })).completeMfa({
    mfaSignIn: { mfaToken, code: confirmed.recoveryCodes[0] ?? "" },
  });
  return signedIn(tokens.accessToken);
}

// Every item of a list, through `cursor`.
async function pages<T>(read: (cursor: string | undefined) => Promise<{ items: T[]; nextCursor: string | null }>): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await read(cursor);
    items.push(...page.items);
    if (page.nextCursor === null) return items;
    cursor = page.nextCursor;
  }
}

async function secondPass(patient: Configuration, staff: Configuration, patientId: string, sessionId: string): Promise<void> {
  const therapist = await mfaSignIn(staff, env("KAPJ_THERAPIST_EMAIL"));
  const questionnaires = new QuestionnairesApi(patient);

  // A PHQ-9 and the daily check-in through their own typed bodies (the check-in safe to
  // retry): `code` picks the instrument's model, which names its items.
  const phq9Answers: Phq9Answers = {
    phq91: 0, phq92: 0, phq93: 0, phq94: 0, phq95: 0, phq96: 0, phq97: 0, phq98: 0, phq99: 0,
  };
  const phq9 = await questionnaires.createQuestionnaireResponse({
    questionnaireResponseCreate: { code: "phq9", answers: phq9Answers, answeredAt: now },
  });
  assert.deepEqual([phq9.score, phq9.severity], [0, "minimal"]);
  const checkIn: DailyCheckInResponseCreate = {
    code: "daily_check_in",
    answers: { checkIn1: 0, checkIn2: 0, checkInMood: 7 },
    answeredAt: now,
  };
  for (const replayed of [null, "true"]) {
    const answered = await questionnaires.createQuestionnaireResponseRaw({
      idempotencyKey: "check-in-1",
      questionnaireResponseCreate: { ...checkIn, code: "daily_check_in" },
    });
    assert.equal(answered.raw.status, 201);
    assert.equal(answered.raw.headers.get("Idempotent-Replayed"), replayed);
    const value = await answered.value();
    assert.deepEqual([value.score, value.severity], [7, "none"]);
  }

  // A merge patch whose null clears the mood and keeps the text.
  const entries = new EntriesApi(patient);
  const entry = await entries.createEntry({ entryCreate: { body: "warm room", writtenAt: now, mood: 6 } });
  const etag = (await entries.readEntryRaw({ entryId: entry.id })).raw.headers.get("ETag");
  assert.ok(etag !== null);
  const mergePatch = async ({ init }: { init: RequestInit }): Promise<RequestInit> => ({
    ...init,
    headers: { ...(init.headers as Record<string, string>), "Content-Type": "application/merge-patch+json" },
  });
  const cleared = await entries.updateEntry({ entryId: entry.id, ifMatch: etag, entryUpdate: { mood: null } }, mergePatch);
  assert.deepEqual([cleared.mood, cleared.body], [null, "warm room"]);

  // A 304 for a current copy (thrown, as every status outside 2xx is).
  const tag = (await entries.readEntryRaw({ entryId: entry.id })).raw.headers.get("ETag");
  assert.ok(tag !== null);
  const unchanged = await refused(entries.readEntry({ entryId: entry.id, ifNoneMatch: tag }), 304);
  assert.equal(await unchanged.text(), "");

  // Both exports, each with its own model.
  const exports = new ExportApi(patient);
  const exported = await exports.exportMyData();
  assert.ok(exported.entries.length > 0);
  const bundle = await exports.exportMyDataFhir();
  assert.equal(bundle.resourceType, "Bundle");

  // Every list pages with a cursor.
  for (const client of [patient, therapist]) {
    const listed = await pages((cursor) => new SessionsApi(client).listSessions({ patientId, limit: 1, cursor }));
    assert.deepEqual(listed.map((s) => s.id), [sessionId]);
  }
  const team = await pages((cursor) => new AccountsApi(patient).readMyCareTeam({ limit: 1, cursor }));
  assert.equal(team.length, 1);
  const answers = await pages((cursor) => questionnaires.listMyQuestionnaireResponses({ limit: 1, cursor }));
  assert.equal(answers.length, 2);
  const queue = await pages((cursor) => new TherapistApi(therapist).readQueue({ limit: 1, cursor }));
  assert.ok(queue.some((i) => i.patient.id === patientId));
  await pages((cursor) => new IntegrationApi(patient).listIntegrationSessions({ patientId, limit: 1, cursor }));
  await pages((cursor) => new PromptsApi(therapist).listAssignments({ patientId, limit: 1, cursor }));

  // Values a later server may add decode: this server's own answers with an unknown
  // code, phase and technique go through the generated models' FromJSON.
  const missing = await refused(entries.readEntry({ entryId: randomUUID() }), 404);
  const future = ProblemFromJSON({ ...(await missing.json()), code: "a_code_of_v1_9" });
  const raw = await (await entries.readEntryRaw({ entryId: entry.id })).raw.json();
  const later = EntryPublicFromJSON({ ...raw, phase: "afterglow", window: { ...raw.window, phase: "afterglow" } });
  const windowRaw = await (await new SessionsApi(patient).readMyWindowRaw({})).raw.json();
  const openWindow = OpenWindowFromJSON({ ...windowRaw, phase: "afterglow" });
  const promptRaw = await (await new PromptsApi(patient).readNextPromptRaw({})).raw.json();
  const newPrompt = PromptPublicFromJSON({ ...promptRaw, technique: "breathwork", phases: ["x"] });
  assert.deepEqual(
    [future.code, later.phase, later.window?.phase, openWindow.phase, newPrompt.technique, newPrompt.phases],
    ["a_code_of_v1_9", "afterglow", "afterglow", "afterglow", "breathwork", ["x"]],
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
