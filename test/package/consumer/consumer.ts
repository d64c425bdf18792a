// A user's project: only the installed package is reachable, never the repository's src/.
import { createIdentityClient, IdentityApiError, IdentityInputError, type Group, type RobotAccount } from "uipath-identity-toolkit";
import { DEMO_CLIENT, startEmulator } from "uipath-identity-toolkit/emulator";

// The demo client may do everything; "groups-only" was granted PM.Group alone.
const GROUPS_ONLY = { clientId: "groups-only", clientSecret: "groups-only-secret-7c1d", scopes: ["PM.Group"] };
const emulator = await startEmulator({ seed: "demo", validateResponses: true, clients: [DEMO_CLIENT, GROUPS_ONLY] });
try {
  const [org] = emulator.organizations;
  if (!org) throw new Error("the emulator has no organization");
  const pm = createIdentityClient({
    baseUrl: emulator.baseUrl(),
    partitionGlobalId: org.partitionGlobalId,
    credentials: { clientId: DEMO_CLIENT.clientId, clientSecret: DEMO_CLIENT.clientSecret },
  });

  const group: Group = await pm.groups.create({ name: "Ravenclaws" });
  const robot: RobotAccount = await pm.robotAccounts.create({ name: "Luna-bot", groupIds: [group.id] });
  const found: string[] = [];
  for await (const account of pm.robotAccounts.list({ search: "Luna" })) found.push(account.name ?? "");
  const members = await pm.groups.listMembersPage(group.id);

  await pm.robotAccounts.delete(robot.id);
  await pm.groups.delete(group.id);
  let gone = false;
  try {
    await pm.groups.get(group.id);
  } catch (err) {
    gone = err instanceof IdentityApiError && err.kind === "not_found";
  }

  // The optional peer `redis` is not installed here: asking for the shared budget says what to install.
  const shared = createIdentityClient({
    baseUrl: emulator.baseUrl(),
    partitionGlobalId: org.partitionGlobalId,
    credentials: { clientId: DEMO_CLIENT.clientId, clientSecret: DEMO_CLIENT.clientSecret },
    rateLimit: { redis: "redis://127.0.0.1:6379" },
  });
  let redisAdvice = "";
  try {
    await shared.robotAccounts.update(robot.id, { displayName: "never sent" });
  } catch (err) {
    if (err instanceof IdentityInputError) redisAdvice = `${err.field}: ${err.message}`;
  }
  // No scopes and no organization id configured: each call asks for a scope its operation accepts,
  // and the organization comes from the token.
  const plain = createIdentityClient({
    baseUrl: emulator.baseUrl(),
    credentials: { clientId: DEMO_CLIENT.clientId, clientSecret: DEMO_CLIENT.clientSecret },
  });
  const ron = await plain.users.findByEmail("ron.weasley@hogwarts.example");
  const resolved = await plain.directory.resolve(["ron.weasley@hogwarts.example"], "user");

  // An application without PM.User: the users call fails with the named error before any API request.
  const sent: string[] = [];
  const groupsOnly = createIdentityClient({
    baseUrl: emulator.baseUrl(),
    credentials: { clientId: GROUPS_ONLY.clientId, clientSecret: GROUPS_ONLY.clientSecret },
    onRequest: (event) => sent.push(`${event.method} ${new URL(event.url).pathname}`),
  });
  const groupCount = (await groupsOnly.groups.list()).length;
  const before = sent.filter((r) => r.includes("/api/")).length;
  let lacking: Record<string, unknown> = {};
  try {
    await groupsOnly.users.list().toArray();
  } catch (err) {
    if (err instanceof IdentityApiError) {
      lacking = {
        kind: err.kind,
        message: err.message,
        missingScopes: err.missingScopes,
        apiRequests: sent.filter((r) => r.includes("/api/")).length - before,
      };
    }
  }

  console.log(
    JSON.stringify({
      found,
      memberCount: members.totalCount,
      gone,
      violations: emulator.violations.length,
      redisAdvice,
      ron: ron.id === resolved.get("ron.weasley@hogwarts.example")?.identifier,
      groupCount,
      lacking,
    }),
  );
} finally {
  await emulator.close();
}
