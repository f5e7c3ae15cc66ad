// rollgate's own script, served as /static/app.js (the Content-Security-Policy
// allows no inline script). The form page: live facts panel and "Clear".
// Error pages: "Back to the form" goes back in history, keeping what was typed.
const form = document.getElementById('plan-form');
if (form) {
  const panel = document.getElementById('facts-body');
  let timer = null;
  const refresh = () => {
    const body = new URLSearchParams(new FormData(form));
    fetch('/api/check', { method: 'POST', body })
      .then(r => r.json())
      .then(d => { panel.textContent = d.text; panel.dataset.state = d.ok ? 'ok' : 'error'; })
      .catch(() => { panel.textContent = 'rollgate could not be reached.'; });
  };
  form.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(refresh, 300); });
  document.getElementById('clear').addEventListener('click', () => {
    form.querySelectorAll('textarea').forEach(t => { t.value = ''; });
    document.getElementById('start').value = new Date().toISOString().slice(0, 10);
    refresh();
  });
  refresh();
}
const back = document.getElementById('back');
if (back && history.length > 1) {
  back.addEventListener('click', (e) => { e.preventDefault(); history.back(); });
}
