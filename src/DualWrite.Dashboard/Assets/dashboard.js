// The dashboard's only script (the CSP allows no inline script): live updates by polling, and the action buttons.
(function () {
  "use strict";
  const panel = document.getElementById("panel");
  if (!panel) { return; }
  const csrf = (document.querySelector("meta[name=dualwrite-csrf]") || {}).content || "";
  const message = document.getElementById("message");
  let seen = null;

  function show(text, ok) {
    message.textContent = text;
    message.className = ok ? "ok" : "refused";
    message.hidden = false;
  }

  // What changes the page: every entity's phase and revision, and the reconciliations started here.
  function fingerprint(entities) {
    return JSON.stringify(entities.map(function (e) {
      const job = e.reconcileJob || {};
      return [e.entity, e.phase, e.revision, job.state, job.rows, job.chunks, job.differences, e.cdcLagMs];
    }));
  }

  async function refresh() {
    const response = await fetch(panel.dataset.panel, { credentials: "same-origin", headers: { "Accept": "text/html" } });
    if (!response.ok) { return; }
    const html = await response.text();
    // What the operator typed or chose is read only now, just before the swap: typing goes on while the panel loads.
    const values = {};
    panel.querySelectorAll("input[id], select[id]").forEach(function (input) { values[input.id] = input.value; });
    const focused = document.activeElement && document.activeElement.id;
    panel.innerHTML = html;
    Object.keys(values).forEach(function (id) {
      const input = document.getElementById(id);
      // A text field takes its value back; a list only a value it still offers.
      const offered = !input || !input.options || Array.prototype.some.call(input.options, function (o) { return o.value === values[id]; });
      if (input && offered) { input.value = values[id]; }
    });
    if (focused && document.getElementById(focused)) { document.getElementById(focused).focus(); }
  }

  async function poll() {
    try {
      const response = await fetch(panel.dataset.poll, { credentials: "same-origin", headers: { "Accept": "application/json" } });
      if (response.status === 401) { location.reload(); return; }
      if (response.ok) {
        const now = fingerprint(await response.json());
        if (seen !== null && now !== seen) { await refresh(); }
        seen = now;
      }
    } catch (e) {
      // The next poll retries.
    }
    setTimeout(poll, Number(panel.dataset.pollMs) || 500);
  }

  panel.addEventListener("click", async function (event) {
    const button = event.target.closest("button[data-action]");
    if (!button) { return; }
    const reasonInput = document.getElementById("reason");
    const reason = reasonInput ? reasonInput.value.trim() : "";
    if (!reason && !button.dataset.optionalReason) {
      show("Give a reason first: it is kept in the audit trail.", false);
      if (reasonInput) { reasonInput.focus(); }
      return;
    }
    const body = { reason: reason };
    if (button.dataset.to) { body.to = document.getElementById(button.dataset.to).value; }
    if (button.dataset.confirm && !window.confirm("Really " + button.dataset.confirm + (body.to ? " to " + body.to : "") + "? Reason: " + reason)) { return; }
    button.disabled = true;
    try {
      const response = await fetch(button.dataset.action, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-DualWrite-CSRF": csrf },
        body: JSON.stringify(body),
      });
      const result = await response.json().catch(function () { return {}; });
      if (result.message) { show(result.message, response.ok); }
      else if (result.started) { show("reconciliation started", true); }
      else { show(result.error || ("HTTP " + response.status), false); }
      if (response.ok && reasonInput) { reasonInput.value = ""; }
    } finally {
      button.disabled = false;
      await refresh();
    }
  });

  poll();
})();
