// Loaded synchronously as the first thing in <body> (see templates/base.html).
// Same as the inline snippet in nhsuk-frontend's template.njk, kept as a file
// so that pages need no inline script (CSP friendly). nhsuk-frontend's initAll()
// does nothing unless <body> has the nhsuk-frontend-supported class.
document.body.className +=
  " js-enabled" +
  ("noModule" in HTMLScriptElement.prototype ? " nhsuk-frontend-supported" : "");
