// Starts Swagger UI on usecat's OpenAPI document. A file of its own rather than an inline
// script, so the page's Content-Security-Policy allows scripts from the server only.
// Keys stay in the page's memory: nothing is kept in the browser's storage.
window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    docExpansion: "list",
    tryItOutEnabled: false,
    persistAuthorization: false,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    // Operations anyone may call ask for no key, but a key widens what they show: send the
    // key the reader authorized with to this server's every request.
    requestInterceptor: function (req) {
      // The document itself is fetched before window.ui is set.
      var key = window.ui && window.ui.authSelectors.authorized().getIn(["BearerAuth", "value"]);
      var sameServer = new URL(req.url, window.location.href).origin === window.location.origin;
      if (key && sameServer && !req.headers.Authorization) {
        req.headers.Authorization = "Bearer " + key;
      }
      return req;
    },
  });
});
