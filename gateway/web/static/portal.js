// docgate portal: the one script, loaded with defer. Pages work without it: it only asks for a
// confirmation before a form marked data-confirm (lock an account, drop a relay job) is sent.
/* global document, window, HTMLFormElement */
'use strict';
document.addEventListener('submit', (event) => {
  const form = event.target;
  if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) event.preventDefault();
});
