// The rollout page's script, served as /static/rollout.js (no inline script
// under the Content-Security-Policy): re-reads the live part every 5 s,
// keeping what was typed into the approval form and where the cursor was.
const live = document.getElementById('live');
if (live) {
  const keep = () => {
    const kept = {};
    live.querySelectorAll('input[id], select[id]').forEach((el) => { kept[el.id] = el.value; });
    return { kept, focused: document.activeElement && document.activeElement.id };
  };
  const restore = ({ kept, focused }) => {
    Object.entries(kept).forEach(([id, value]) => {
      const el = document.getElementById(id);
      if (!el || el.type === 'hidden') return;
      if (el.tagName === 'SELECT' && ![...el.options].some((o) => o.value === value)) return;
      el.value = value;
    });
    if (focused) document.getElementById(focused)?.focus();
  };
  const refresh = () => {
    fetch(live.dataset.src, { headers: { Accept: 'text/html' } })
      .then((r) => (r.ok ? r.text() : Promise.reject(r.status)))
      .then((html) => {
        const state = keep();
        live.innerHTML = html;
        restore(state);
        live.dataset.refreshed = String(Date.now());
      })
      .catch(() => { live.dataset.refreshed = 'failed'; });
  };
  setInterval(refresh, 5000);
}
