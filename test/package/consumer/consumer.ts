// A user's project: only the installed package is reachable, never the repository's src/.
import { createIdentityClient, IdentityApiError, IdentityInputError, type Group, type RobotAccount } from "uipath-identity-toolkit";
import { DEMO_CLIENT, startEmulator } from "uipath-identity-toolkit/emulator";

const emulator = await startEmulator({ seed: "demo", validateResponses: true });
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
  console.log(JSON.stringify({ found, memberCount: members.totalCount, gone, violations: emulator.violations.length, redisAdvice }));
} finally {
  await emulator.close();
}
