// Type-level test: compiled by `npm run typecheck`, never executed. Each operation of the contract is
// called through openapi-fetch with the generated `paths`; each `@ts-expect-error` marks a misuse the
// generated types must reject (tsc fails if any of them stops being an error).
import type { Client } from "openapi-fetch";
import type { components, paths } from "../../generated/schema.js";

declare const api: Client<paths>;
const org = "3fa85f64-5717-4562-b3fc-2c963f66afa6";
const group = "9d2f6a41-0c3b-4e57-8a1d-6b7c2e0f1a01";
const robot = "c3a7e1f9-2b6d-4e80-9f14-7a5c0d3e8812";

export async function everyOperation(): Promise<void> {
  // Groups
  const list = await api.GET("/api/Group/{id}", { params: { path: { id: org } } });
  const groups: components["schemas"]["Group"][] | undefined = list.data;
  const type: 0 | 1 | "builtIn" | "custom" | undefined = groups?.[0]?.type;
  void type;

  const one = await api.GET("/api/Group/{partitionGlobalId}/{groupId}", {
    params: { path: { partitionGlobalId: org, groupId: group } },
  });
  const name: string | null | undefined = one.data?.name;
  void name;

  const created = await api.POST("/api/Group", {
    body: { partitionGlobalId: org, id: group, name: "Gryffindors", directoryUserMemberIDs: [] },
  });
  const createdId: string | undefined = created.data?.id;
  void createdId;

  await api.PUT("/api/Group/{id}", {
    params: { path: { id: group } },
    body: { partitionGlobalId: org, name: "Gryffindors", directoryUserIDsToAdd: [], directoryUserIDsToRemove: [] },
  });
  await api.DELETE("/api/Group/{partitionGlobalId}/{groupId}", { params: { path: { partitionGlobalId: org, groupId: group } } });
  await api.DELETE("/api/Group/{id}", { params: { path: { id: org } }, body: { groupIDs: [group] } });

  const members = await api.GET("/api/Group/{partitionGlobalId}/{groupId}/Members", {
    params: { path: { partitionGlobalId: org, groupId: group }, query: { top: 1000, skip: 0 } },
  });
  const total: number | undefined = members.data?.totalCount;
  void total;

  // Robot accounts
  const page = await api.GET("/api/RobotAccount/{id}", {
    params: { path: { id: org }, query: { searchTerm: "Rob", top: 1000, skip: 0, sortBy: "name", sortOrder: "asc" } },
  });
  const robots: components["schemas"]["RobotAccount"][] | null | undefined = page.data?.results;
  void robots;

  await api.GET("/api/RobotAccount/{partitionGlobalId}/{robotAccountId}", {
    params: { path: { partitionGlobalId: org, robotAccountId: robot } },
  });
  const roby = await api.POST("/api/RobotAccount", {
    body: { partitionGlobalId: org, name: "Roby", displayName: "Roby", groupIDsToAdd: [group] },
  });
  const groupIds: string[] | null | undefined = roby.data?.groupIds;
  void groupIds;

  await api.PUT("/api/RobotAccount/{id}", {
    params: { path: { id: robot } },
    body: { partitionGlobalId: org, displayName: "Roby", groupIDsToAdd: [], groupIDsToRemove: [group] },
  });
  await api.DELETE("/api/RobotAccount/{partitionGlobalId}/{robotAccountId}", {
    params: { path: { partitionGlobalId: org, robotAccountId: robot } },
  });
  await api.DELETE("/api/RobotAccount/{id}", { params: { path: { id: org } }, body: { robotAccountIDs: [robot] } });

  // Error bodies are typed too.
  const forbidden = await api.GET("/api/RobotAccount/{id}", { params: { path: { id: org } } });
  if (forbidden.response.status === 403 && forbidden.error && "errorMessage" in forbidden.error) {
    const message: string = forbidden.error.errorMessage;
    void message;
  }
}

export async function misuses(): Promise<void> {
  // @ts-expect-error the live service rejects a group create without a client-chosen id
  await api.POST("/api/Group", { body: { partitionGlobalId: org, name: "Gryffindors" } });
  // @ts-expect-error the service wants the name on every group update
  await api.PUT("/api/Group/{id}", { params: { path: { id: group } }, body: { partitionGlobalId: org } });
  // @ts-expect-error the path has no partitionGlobalId parameter: {id} carries it
  await api.GET("/api/Group/{id}", { params: { path: { partitionGlobalId: org } } });
  // @ts-expect-error sortOrder is asc or desc
  await api.GET("/api/RobotAccount/{id}", { params: { path: { id: org }, query: { sortOrder: "up" } } });
  // @ts-expect-error every robot-account update names the organization
  await api.PUT("/api/RobotAccount/{id}", { params: { path: { id: robot } }, body: { displayName: "Robo" } });
  // @ts-expect-error there is no PATCH in this API
  await api.PATCH("/api/RobotAccount/{id}", { params: { path: { id: robot } } });
  // @ts-expect-error 2 is no GroupType
  const bad: components["schemas"]["GroupType"] = 2;
  void bad;
}
