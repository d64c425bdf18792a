// One organization's data and the service's rules over it, by resource. The operations share one
// OrganizationData, so a change through any of them shows in every view at once.
import type { components } from "../../generated/schema.js";
import { OrganizationData } from "./data.js";
import { DirectoryOperations } from "./directory.js";
import { GroupOperations } from "./groups.js";
import { RobotAccountOperations } from "./robot-accounts.js";
import type { SeedData } from "./seed.js";
import { UserOperations } from "./users.js";
import { directoryUserView, groupView, robotAccountView, userView } from "./views.js";

type Schemas = components["schemas"];

export class OrganizationStore {
  private readonly data: OrganizationData;
  readonly groups: GroupOperations;
  readonly robotAccounts: RobotAccountOperations;
  readonly users: UserOperations;
  readonly directory: DirectoryOperations;

  constructor(seed: SeedData, now: () => number) {
    this.data = new OrganizationData(seed, now);
    this.groups = new GroupOperations(this.data);
    this.robotAccounts = new RobotAccountOperations(this.data);
    this.users = new UserOperations(this.data);
    this.directory = new DirectoryOperations(this.data);
  }

  /** A copy of everything; users show both as directory entities and as users. */
  snapshot(): {
    users: Array<Schemas["DirectoryEntity"] & Schemas["User"]>;
    groups: Schemas["Group"][];
    robotAccounts: Schemas["RobotAccount"][];
  } {
    return structuredClone({
      users: [...this.data.users.values()].map((u) => ({ ...directoryUserView(u), ...userView(this.data, u) })),
      groups: [...this.data.groups.values()].map((g) => groupView(this.data, g, true)),
      robotAccounts: [...this.data.robotAccounts.values()].map((r) => robotAccountView(r)),
    });
  }
}
