// The OpenAPI documents, when the openapi module is there; none otherwise.
export const serveOpenApi = undefined;
