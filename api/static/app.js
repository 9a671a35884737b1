// pointsbank counter and staff desk: a thin page over the JSON API.
const $ = (sel) => document.querySelector(sel);
const state = {
  me: null, resident: null,
  awardKey: null, redeemKey: null, goods: [], receipt: null,
};
const KINDS = { award: "加分", deduction: "扣分", correction: "更正", redemption: "兑换", refund: "退还" };

async function api(method, path, body, key) {
  // The session cookie goes along by itself; a change also carries the session's CSRF token.
  const headers = { "X-CSRF-Token": document.querySelector('meta[name="csrf-token"]').content };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (key) headers["Idempotency-Key"] = key;
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const data = await response.json().catch(() => ({}));
  if (response.status === 401) location.assign("/ui/login");
  if (!response.ok) throw new Error(data.detail || `${response.status} ${response.statusText}`);
  return data;
}

function say(text, kind = "ok") {
  const el = $("#message");
  el.textContent = text;
  el.className = kind;
}

function cell(row, text, cls) {
  const td = row.insertCell();
  td.textContent = text ?? "";
  if (cls) td.className = cls;
}

async function start() {
  state.me = await api("GET", "/me");
  $("#a-date").value = state.me.today;
  $("#a-date").max = state.me.today;
  if (state.me.role === "staff") await Promise.all([loadRules(), loadApprovals()]);
  say("");
}

async function loadApprovals() {
  const rows = await api("GET", "/approvals");
  $("#approvals").hidden = state.me.role !== "staff";
  $("#approvals-count").textContent = `(${rows.length})`;
  const body = $("#approvals-list tbody");
  body.replaceChildren();
  for (const p of rows) {
    const tr = body.insertRow();
    cell(tr, p.name);
    cell(tr, KINDS[p.kind] || p.kind);
    cell(tr, p.rule_code);
    cell(tr, p.kind === "deduction" ? -p.points : p.points, p.kind === "deduction" ? "neg" : "");
    cell(tr, p.occurred_on);
    cell(tr, p.reason);
    const actions = tr.insertCell();
    if (p.requested_by === state.me.user_id) {
      actions.textContent = "本人提交，需他人审批";
      continue;
    }
    const path = `/approvals/${p.resident_id}/${p.request_version}`;
    actions.append(
      button("批准", () => decide(`${path}/approve`, undefined)),
      button("驳回", () => {
        const reason = prompt("驳回原因");
        return reason ? decide(`${path}/reject`, { reason }) : Promise.resolve();
      }),
    );
  }
}

function button(label, action) {
  const el = document.createElement("button");
  el.type = "button";
  el.textContent = label;
  el.addEventListener("click", async () => {
    if (el.disabled) return;
    el.disabled = true;
    try { await action(); } finally { el.disabled = false; }
  });
  return el;
}

async function decide(path, body) {
  try {
    await api("POST", path, body, crypto.randomUUID());
    say("已处理");
  } catch (err) {
    say(`未能处理：${err.message}`, "error");
  }
  await loadApprovals();
  if (state.resident) await openResident(state.resident.resident_id);
}

async function loadRules() {
  const rules = await api("GET", "/rules");
  const select = $("#a-rule");
  select.replaceChildren();
  for (const rule of rules.filter((r) => r.active && r.category !== "deduction")) {
    select.add(new Option(`${rule.name}（${rule.points}分）${rule.code}`, rule.code));
  }
}

async function search(q) {
  const rows = await api("GET", `/residents?q=${encodeURIComponent(q)}`);
  const body = $("#results tbody");
  body.replaceChildren();
  for (const r of rows) {
    const tr = body.insertRow();
    cell(tr, r.name);
    cell(tr, r.phone);
    cell(tr, r.grid);
    cell(tr, r.balance);
    tr.addEventListener("click", () => openResident(r.resident_id));
  }
  say(rows.length ? `找到 ${rows.length} 位居民` : "没有找到", rows.length ? "ok" : "error");
}

async function openResident(id) {
  const [profile, statement] = await Promise.all([
    api("GET", `/residents/${id}`),
    api("GET", `/residents/${id}/statement`),
  ]);
  if (state.resident?.resident_id !== id) $("#receipt").hidden = true;
  state.resident = profile;
  $("#resident").hidden = false;
  $("#r-name").textContent = profile.name;
  const flags = [profile.party_member ? "党员" : "", profile.without_hukou ? "非户籍" : ""].filter(Boolean);
  $("#r-flags").textContent = flags.join(" · ");
  $("#r-balance").textContent = statement.balance;
  $("#award-form").hidden = state.me.role !== "staff";
  $("#redeem-form").hidden = !["clerk", "staff"].includes(state.me.role);
  if (!$("#redeem-form").hidden) await loadGoods();
  const body = $("#statement tbody");
  body.replaceChildren();
  for (const e of statement.entries) {
    const tr = body.insertRow();
    cell(tr, e.version);
    cell(tr, e.occurred_on);
    cell(tr, KINDS[e.kind] || e.kind);
    cell(tr, e.rule_code);
    cell(tr, e.points > 0 ? `+${e.points}` : e.points, e.points < 0 ? "neg" : "");
    cell(tr, e.balance_after);
    cell(tr, e.reason);
  }
}

async function award(event) {
  event.preventDefault();
  const button = $("#a-submit");
  if (button.disabled) return;
  // One key per intended award: a retry after a lost response reuses it and writes nothing.
  state.awardKey ??= crypto.randomUUID();
  button.disabled = true;
  try {
    const body = {
      rule_code: $("#a-rule").value,
      quantity: Number($("#a-quantity").value),
      occurred_on: $("#a-date").value,
      note: $("#a-note").value,
    };
    const result = await api("POST", `/residents/${state.resident.resident_id}/awards`, body, state.awardKey);
    state.awardKey = null;
    say(result.pending
      ? "已提交，待另一位工作人员审批"
      : `已加分 · 余额 ${result.balance}`);
    $("#a-note").value = "";
    await Promise.all([openResident(state.resident.resident_id), loadApprovals()]);
  } catch (err) {
    say(`未能加分：${err.message}`, "error");
  } finally {
    button.disabled = false;
  }
}

async function loadGoods() {
  state.goods = (await api("GET", "/goods")).filter((g) => g.active);
  const body = $("#goods tbody");
  body.replaceChildren();
  for (const g of state.goods) {
    const tr = body.insertRow();
    cell(tr, g.name);
    cell(tr, g.price);
    cell(tr, g.stock);
    const input = document.createElement("input");
    Object.assign(input, { type: "number", min: 0, max: 100, value: 0, className: "qty" });
    input.dataset.goods = g.goods_id;
    tr.insertCell().append(input);
  }
  updateTotal();
}

function basket() {
  return [...document.querySelectorAll("#goods input.qty")]
    .map((input) => ({ goods_id: input.dataset.goods, quantity: Number(input.value) }))
    .filter((line) => line.quantity > 0);
}

function updateTotal() {
  const price = Object.fromEntries(state.goods.map((g) => [g.goods_id, g.price]));
  $("#basket-total").textContent = basket().reduce((sum, l) => sum + price[l.goods_id] * l.quantity, 0);
}

function showReceipt(receipt) {
  state.receipt = receipt;
  $("#receipt").hidden = false;
  $("#rc-number").textContent = receipt.number;
  const lines = $("#rc-lines");
  lines.replaceChildren();
  for (const line of receipt.items) {
    const tr = lines.insertRow();
    cell(tr, line.name);
    cell(tr, `× ${line.quantity}`);
    cell(tr, `${line.points} 分`);
  }
  $("#rc-points").textContent = receipt.points;
  $("#rc-balance").textContent = receipt.balance_after;
  $("#rc-time").textContent = new Date(receipt.issued_at).toLocaleString("zh-CN", { timeZone: state.me.timezone });
  $("#rc-clerk").textContent = receipt.clerk === state.me.user_id ? state.me.name : receipt.clerk;
}

async function redeem(event) {
  event.preventDefault();
  const button = $("#r-submit");
  if (button.disabled) return;
  const items = basket();
  if (!items.length) { say("请选择要兑换的物品", "error"); return; }
  state.redeemKey ??= crypto.randomUUID();
  button.disabled = true;
  try {
    const receipt = await api("POST", "/redemptions", { resident_id: state.resident.resident_id, items }, state.redeemKey);
    state.redeemKey = null;
    await openResident(state.resident.resident_id);
    showReceipt(receipt);
    say(`已兑换 · 小票 ${receipt.number}`);
  } catch (err) {
    say(`未能兑换：${err.message}`, "error");
  } finally {
    button.disabled = false;
  }
}

async function cancelReceipt() {
  const reason = state.me.role === "clerk" ? "柜台当日撤销" : prompt("撤销原因");
  if (!reason) return;
  try {
    await api("POST", `/receipts/${state.receipt.receipt_id}/cancellation`, { reason }, crypto.randomUUID());
    $("#receipt").hidden = true;
    await openResident(state.resident.resident_id);
    say(`已撤销 · 小票 ${state.receipt.number}`);
  } catch (err) {
    say(`未能撤销：${err.message}`, "error");
  }
}

$("#redeem-form").addEventListener("submit", redeem);
$("#redeem-form").addEventListener("input", () => { state.redeemKey = null; updateTotal(); });
$("#rc-print").addEventListener("click", () => window.print());
$("#rc-cancel").addEventListener("click", cancelReceipt);
$("#search-form").addEventListener("submit", (e) => { e.preventDefault(); search($("#q").value.trim()).catch((err) => say(err.message, "error")); });
$("#award-form").addEventListener("submit", award);
$("#award-form").addEventListener("input", () => { state.awardKey = null; });
start().catch((err) => say(err.message, "error"));
