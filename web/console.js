// The member console: reads this agent's API with the user's API key (kept in sessionStorage for this tab only).
const $ = (selector) => document.querySelector(selector);
const keyInput = $("#api-key");
keyInput.value = sessionStorage.getItem("telco-ledger-key") ?? "";

async function api(path, init = {}) {
  const response = await fetch(path, {
    ...init,
    headers: {
      authorization: `Bearer ${keyInput.value}`,
      ...(init.body ? { "content-type": "application/json" } : {}),
    },
  });
  const body = await response.json();
  if (!response.ok) throw new Error(`${body.code}: ${body.message}`);
  return body;
}

function text(value) {
  const span = document.createElement("span");
  span.textContent = value ?? "";
  return span.innerHTML;
}

/** Renders rows as a table; cells are escaped except the columns named in `html` (built here, never from data). */
function table(rows, columns, html = []) {
  if (!rows.length) return "<p>none</p>";
  const head = columns.map((c) => `<th>${text(c)}</th>`).join("");
  const cell = (row, c) =>
    html.includes(c) ? row[c] : text(Array.isArray(row[c]) ? row[c].join(", ") : String(row[c] ?? ""));
  const body = rows.map((row) => `<tr>${columns.map((c) => `<td>${cell(row, c)}</td>`).join("")}</tr>`).join("");
  return `<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

async function panel(id, load) {
  const body = $(`#${id} .body`);
  try {
    body.innerHTML = await load();
  } catch (error) {
    body.innerHTML = `<p class="bad">${text(error.message)}</p>`;
  }
}

async function refresh() {
  await panel("health-panel", async () => {
    const health = await (await fetch("/health")).json();
    return `<p class="${health.ok ? "ok" : "bad"}">${health.ok ? "healthy" : "degraded"}</p><pre>${text(JSON.stringify(health.checks, null, 2))}</pre>`;
  });
  if (!keyInput.value) return;
  await panel("agent-panel", async () => {
    const agent = await api("/v1/agent");
    $("#member-name").textContent = agent.memberName;
    return (
      `<p><b>${text(agent.memberName)}</b> · member account <code>${text(agent.memberAccount)}</code> · chain ${agent.chain.chainId}</p>` +
      table(
        Object.entries(agent.chain.contracts).map(([name, c]) => ({ contract: name, address: c.address })),
        ["contract", "address"],
      )
    );
  });
  await panel("members-panel", async () =>
    table((await api("/v1/membership/members")).items, ["name", "address", "roles", "active"]),
  );
  await panel("proposals-panel", async () => {
    const rows = (await api("/v1/membership/proposals")).items.map((p) => ({
      ...p,
      action: p.state === "pending" ? `<button class="approve" data-id="${Number(p.id)}">approve</button>` : "",
    }));
    return table(rows, ["id", "kind", "member", "state", "approvals", "deadline", "action"], ["action"]);
  });
  await panel("dids-panel", async () =>
    table((await api("/v1/identity/dids")).items, ["label", "did", "serviceEndpoint"]),
  );
}

$("#key-form").addEventListener("submit", (event) => {
  event.preventDefault();
  sessionStorage.setItem("telco-ledger-key", keyInput.value);
  refresh();
});

$("#proposals-panel").addEventListener("click", async (event) => {
  const id = event.target?.dataset?.id;
  if (!id) return;
  event.target.disabled = true;
  try {
    await api(`/v1/membership/proposals/${id}/approve`, { method: "POST" });
  } catch (error) {
    alert(error.message);
  }
  refresh();
});

$("#verify-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const out = $("#verify-panel .body");
  try {
    out.textContent = JSON.stringify(
      await api("/v1/identity/credentials/verify", {
        method: "POST",
        body: JSON.stringify({ jwt: $("#vc-jwt").value.trim() }),
      }),
      null,
      2,
    );
  } catch (error) {
    out.textContent = error.message;
  }
});

refresh();
