// Keeps a page that shows a running import up to date without reloading it: fetches the page again every second and
// swaps in its status region (announced politely to screen readers); when the import has finished, shows the whole
// new page. Without JavaScript the page has an "Uppdatera" link that does the same by hand.
(function () {
  'use strict';
  var region = document.querySelector('[data-refresh]');
  if (!region || !window.fetch || !window.DOMParser) return;
  function tick() {
    fetch(window.location.href, { credentials: 'same-origin', headers: { Accept: 'text/html' } })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        var next = new DOMParser().parseFromString(html, 'text/html');
        var fresh = next.querySelector('[data-refresh]');
        if (fresh) {
          region.innerHTML = fresh.innerHTML;
          window.setTimeout(tick, 1000);
        } else {
          window.location.reload();
        }
      })
      .catch(function () { window.setTimeout(tick, 3000); });
  }
  window.setTimeout(tick, 1000);
})();
