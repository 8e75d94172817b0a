// The pages' only script: on a checklist form, the items the definition's rules show or hide,
// and the answers the engine refuses, as the person types. The server decides both (the form's
// `…/preview`), so that the page and the engine never disagree; without script the form works
// the same, and shows the rules' effect once saved.
'use strict';

document.addEventListener('DOMContentLoaded', () => {
  const form = document.getElementById('checklist');
  if (!form || !form.dataset.preview) return;

  // What a sign-off covers: the answers before it, as they stand on the form.
  const showSigned = (item, signs) => {
    const list = document.getElementById('item-' + item + '-signs');
    if (!list) return;
    list.replaceChildren(...signs.flatMap(({ label, answer }) => {
      const term = document.createElement('dt');
      term.textContent = label;
      const value = document.createElement('dd');
      value.textContent = answer;
      return [term, value];
    }));
    const none = document.getElementById('item-' + item + '-unsigned');
    if (none) none.hidden = signs.length > 0;
  };

  const show = (result) => {
    for (const [item, signs] of Object.entries(result.signs)) showSigned(item, signs);
    for (const box of form.querySelectorAll('.item[data-item]')) {
      const item = box.dataset.item;
      if (item in result.visible) box.hidden = !result.visible[item];
      const refusal = document.getElementById('item-' + item + '-refusal');
      const text = result.refusals[item] || '';
      if (refusal && refusal.textContent !== text) refusal.textContent = text;
      for (const input of box.querySelectorAll('input:not([type=hidden])')) {
        if (text) input.setAttribute('aria-invalid', 'true');
        else input.removeAttribute('aria-invalid');
      }
    }
  };

  let asked = 0;  // only the answer to the latest question counts
  const ask = () => {
    const question = ++asked;
    fetch(form.dataset.preview, {
      method: 'POST',
      body: new URLSearchParams(new FormData(form)),
      credentials: 'same-origin',
      headers: { Accept: 'application/json' },
    })
      .then((response) => (response.ok ? response.json() : null))
      .then((result) => {
        if (result && question === asked) show(result);
      })
      .catch(() => {});  // offline for a moment: the server checks again on saving
  };

  let timer;
  const soon = () => {
    clearTimeout(timer);
    timer = setTimeout(ask, 250);
  };
  form.addEventListener('input', soon);
  form.addEventListener('change', soon);
});
