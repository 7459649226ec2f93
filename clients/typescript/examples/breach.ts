// A typed walk through the test clock (see the README): a general fault breaches once the
// clock passes its deadline. `make client` compiles this with tsc --strict, so a change of
// the contract that breaks a caller breaks here first.

import { login, zhiduClient, type Problem } from "../src/index";

export async function breachAWorkOrder(baseUrl: string, password: string): Promise<boolean> {
  const api = zhiduClient(baseUrl, await login(baseUrl, "admin", password));
  const department = await api.POST("/api/v1/departments", { body: { name: "客户服务中心" } });
  if (department.error !== undefined) throw problem(department.error);
  const agent = await api.POST("/api/v1/employees", {
    body: {
      name: "李客服",
      department_id: department.data.id,
      rank: "staff",
      gender: "female",
      birth_date: "1995-03-01",
      hired_on: "2024-01-02",
      base_salary: "5200.00",
    },
  });
  if (agent.error !== undefined) throw problem(agent.error);
  const customer = await api.POST("/api/v1/customers", {
    body: { full_name: "用户甲", area_type: "urban" },
  });
  if (customer.error !== undefined) throw problem(customer.error);
  const order = await api.POST("/api/v1/work-orders", {
    body: {
      customer_id: customer.data.id,
      kind: "general_fault",
      description: "无信号",
      received_by: [agent.data.id],
    },
  });
  if (order.error !== undefined) throw problem(order.error);
  const due = order.data.due_at;
  if (due === undefined || due === null) return false;
  const later = new Date(Date.parse(due) + 1000).toISOString();
  const moved = await api.PUT("/api/v1/test-clock", { body: { now: later } });
  if (moved.error !== undefined) throw problem(moved.error);
  await api.POST("/api/v1/sla/sweeps", {});
  const after = await api.GET("/api/v1/work-orders/{id}", {
    params: { path: { id: order.data.id } },
  });
  if (after.error !== undefined) throw problem(after.error);
  return after.data.breached;
}

function problem(error: Problem): Error {
  return new Error(`${error.status} ${error.title}: ${error.detail}`);
}
