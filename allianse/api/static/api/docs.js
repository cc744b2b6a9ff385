// Swagger UI for the API's schema. Calls made here go with the page's session, so changes carry
// Django's CSRF token; no validator or other service outside the product is asked.
(function () {
  const element = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: element.dataset.schemaUrl,
    dom_id: "#swagger-ui",
    deepLinking: true,
    validatorUrl: null,
    requestInterceptor: function (request) {
      request.headers["X-CSRFToken"] = element.dataset.csrfToken;
      return request;
    },
  });
})();
