/* Patron dashboard behaviour. Loaded with `defer` on every page (CSP: script-src 'self', no inline code). */
(function () {
  'use strict';

  // Nav toggle (phone width): toggles body.nav-open and keeps aria-expanded in sync.
  var toggles = document.querySelectorAll('.nav-toggle');
  function setNav(open) {
    document.body.classList.toggle('nav-open', open);
    toggles.forEach(function (t) { t.setAttribute('aria-expanded', open ? 'true' : 'false'); });
  }
  toggles.forEach(function (btn) {
    btn.addEventListener('click', function () {
      setNav(!document.body.classList.contains('nav-open'));
    });
  });
  document.addEventListener('keydown', function (e) {
    if (e.key === 'Escape' && document.body.classList.contains('nav-open')) {
      setNav(false);
      if (toggles[0]) { toggles[0].focus(); }
    }
  });

  // Confirm dangerous actions: <form data-confirm="Delete this segment?">.
  document.addEventListener('submit', function (e) {
    var form = e.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute('data-confirm')) { return; }
    if (!window.confirm(form.dataset.confirm || 'Are you sure?')) { e.preventDefault(); }
  });

  // Copy buttons: <button data-copy="new-key"> copies the text of #new-key.
  document.addEventListener('click', function (e) {
    var btn = e.target instanceof Element ? e.target.closest('button[data-copy]') : null;
    if (!btn) { return; }
    e.preventDefault();
    var source = document.getElementById(btn.getAttribute('data-copy'));
    if (!source) { return; }
    var done = function () {
      if (!btn.hasAttribute('data-label')) { btn.setAttribute('data-label', btn.textContent); }
      btn.textContent = 'Copied';
      clearTimeout(Number(btn.getAttribute('data-timer')));
      btn.setAttribute('data-timer', String(setTimeout(function () {
        btn.textContent = btn.getAttribute('data-label');
      }, 1500)));
    };
    // Legacy path for plain-HTTP deployments (no async clipboard API) or when the browser denies it.
    var legacyCopy = function () {
      var range = document.createRange();
      range.selectNodeContents(source);
      var selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      try { if (document.execCommand('copy')) { done(); } } catch (err) { /* leave the text selected */ }
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(source.textContent.trim()).then(done, legacyCopy);
    } else {
      legacyCopy();
    }
  });

  // Segment editor: live rule check against POST /app/segments/check.
  var rule = document.querySelector('textarea#segment-rule');
  var output = document.querySelector('output#segment-check');
  if (rule && output) {
    var csrf = document.querySelector('form#segment-form input[name="_csrf"]');
    var seq = 0;
    var timer = 0;
    var show = function (text, cls) {
      output.textContent = text;
      output.classList.remove('check-ok', 'check-error');
      if (cls) { output.classList.add(cls); }
    };
    var check = function () {
      var mine = ++seq;
      if (rule.value.trim() === '') { show('', null); return; }
      fetch('/app/segments/check', {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf ? csrf.value : '' },
        body: JSON.stringify({ rule: rule.value })
      }).then(function (response) {
        return response.json();
      }).then(function (data) {
        if (mine !== seq) { return; }
        if (data && data.valid === true && typeof data.count === 'number') {
          show(data.count.toLocaleString() + ' customers match', 'check-ok');
        } else if (data && data.errors && data.errors.length && data.errors[0].message) {
          show(String(data.errors[0].message), 'check-error');
        } else {
          show('Could not check the rule right now', 'check-error');
        }
      }).catch(function () {
        if (mine === seq) { show('Could not check the rule right now', 'check-error'); }
      });
    };
    rule.addEventListener('input', function () {
      clearTimeout(timer);
      timer = setTimeout(check, 300);
    });
    check();
  }
}());
