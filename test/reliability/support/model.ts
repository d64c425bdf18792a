// What the soak test believes one organization holds, kept from the answers the client gave, and
// a comparison with the emulator's own state that names the first difference it finds.
import type { OrganizationState } from "../../../src/emulator/index.js";
import type { Group, RobotAccount } from "../../../src/client/index.js";

export interface ModelGroup {
  id: string;
  name: string;
  builtIn: boolean;
  members: Set<string>;
}

export interface ModelRobot {
  id: string;
  name: string;
  displayName: string;
  groups: Set<string>;
}

export class Model {
  readonly groups = new Map<string, ModelGroup>();
  readonly robots = new Map<string, ModelRobot>();

  customGroups(): ModelGroup[] {
    return [...this.groups.values()].filter((g) => !g.builtIn);
  }

  addGroupFrom(group: Group): void {
    this.groups.set(group.id, {
      id: group.id,
      name: group.name ?? "",
      builtIn: group.type === 0 || group.type === "builtIn",
      members: new Set((group.members ?? []).map((m) => (m.identifier ?? "").toLowerCase())),
    });
  }

  addRobotFrom(robot: RobotAccount): void {
    this.robots.set(robot.id, {
      id: robot.id,
      name: robot.name ?? "",
      displayName: robot.displayName ?? "",
      groups: new Set(robot.groupIds ?? []),
    });
  }

  deleteGroup(id: string): void {
    this.groups.delete(id);
    // The service drops a deleted group from every robot account's memberships.
    for (const r of this.robots.values()) r.groups.delete(id);
  }
}

const sorted = (ids: Iterable<string>): string[] => [...ids].map((i) => i.toLowerCase()).sort();

/** Canonical, comparable forms of the model and of the emulator's state. */
export function canonicalModel(model: Model) {
  return {
    groups: [...model.groups.values()]
      .map((g) => ({ id: g.id, name: g.name, builtIn: g.builtIn, members: sorted(g.members) }))
      .sort((a, b) => a.id.localeCompare(b.id)),
    robots: [...model.robots.values()]
      .map((r) => ({ id: r.id, name: r.name, displayName: r.displayName, groups: sorted(r.groups) }))
      .sort((a, b) => a.id.localeCompare(b.id)),
  };
}

export function canonicalState(state: OrganizationState) {
  return {
    groups: state.groups
      .map((g) => ({
        id: g.id,
        name: g.name ?? "",
        builtIn: g.type === 0 || g.type === "builtIn",
        members: sorted((g.members ?? []).map((m) => m.identifier ?? "")),
      }))
      .sort((a, b) => a.id.localeCompare(b.id)),
    robots: state.robotAccounts
      .map((r) => ({ id: r.id, name: r.name ?? "", displayName: r.displayName ?? "", groups: sorted(r.groupIds ?? []) }))
      .sort((a, b) => a.id.localeCompare(b.id)),
  };
}
