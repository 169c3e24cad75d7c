import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';

interface DocResponse {
  $ref?: string;
  description?: string;
  content?: Record<string, { schema?: unknown }>;
  headers?: Record<string, unknown>;
}
type DocOperation = { responses: Record<string, DocResponse> };
export interface OpenApiDoc {
  openapi: string;
  servers: Array<{ url: string }>;
  paths: Record<string, Record<string, DocOperation & { security?: unknown[]; parameters?: Array<{ name: string; in: string }> }>>;
  components: { schemas: Record<string, unknown>; responses: Record<string, DocResponse> };
}

/** What of an HTTP answer is checked (supertest's Response has these). */
export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body?: unknown;
  text?: string;
}

/**
 * Real answers checked against the OpenAPI document by a third-party validator (ajv, JSON Schema 2020-12):
 * the status must be declared for the route, the media type be one the document names, a JSON body
 * validate against the declared schema, and every header the document declares for that answer be sent.
 * Remembers what it checked, so a suite can ask which routes had no success or no error checked.
 */
export class OpenApiResponses {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });
  private readonly compiled = new Map<string, ValidateFunction>();
  private readonly checked = new Set<string>();

  constructor(readonly doc: OpenApiDoc) {
    this.ajv.addSchema({ $id: 'doc', components: doc.components }, 'doc');
  }

  /** A schema with its `#/components/...` references pointing into the document. */
  compile(schema: unknown): ValidateFunction {
    const key = JSON.stringify(schema);
    let validate = this.compiled.get(key);
    if (!validate) {
      validate = this.ajv.compile(JSON.parse(key.replaceAll('"#/components/', '"doc#/components/')) as object);
      this.compiled.set(key, validate);
    }
    return validate;
  }

  /** The declared response of a route for a status, its `$ref` (to components/responses) followed. */
  declared(method: string, path: string, status: number): DocResponse | undefined {
    const response = this.doc.paths[path]?.[method]?.responses[String(status)];
    return response?.$ref ? this.doc.components.responses[response.$ref.replace('#/components/responses/', '')] : response;
  }

  /** Fails (with the route, status and ajv's errors) unless the answer is what the document declares. */
  expectDocumented(method: string, path: string, res: Answer): void {
    const route = `${method} ${path}`;
    const declared = this.declared(method, path, res.status);
    expect({ route, status: res.status, declared: declared !== undefined }).toEqual({ route, status: res.status, declared: true });
    const type = String(res.headers['content-type'] ?? '').split(';')[0]!.trim();
    const content = declared!.content;
    // A HEAD answer carries the headers of the GET it stands for and never a body (RFC 9110 section 9.3.2).
    if (method === 'head') {
      expect({ route, status: res.status, body: res.text ?? '' }).toEqual({ route, status: res.status, body: '' });
    } else if (!content) {
      expect({ route, status: res.status, body: res.text ?? '' }).toEqual({ route, status: res.status, body: '' });
    } else {
      expect({ route, status: res.status, type, declaredTypes: Object.keys(content) }).toMatchObject({ declaredTypes: expect.arrayContaining([type]) });
      const schema = content[type]?.schema;
      if (type === 'application/json' && schema) {
        const validate = this.compile(schema);
        expect({ route, status: res.status, body: res.body, errors: validate(res.body) ? null : validate.errors }).toMatchObject({ errors: null });
      }
    }
    const missing = Object.keys(declared!.headers ?? {}).filter((h) => res.headers[h.toLowerCase()] === undefined);
    expect({ route, status: res.status, missingHeaders: missing }).toEqual({ route, status: res.status, missingHeaders: [] });
    this.checked.add(`${route} ${res.status}`);
  }

  /**
   * Routes of the document with no success (< 400) or no error (>= 400) checked so far, as
   * `get /api/videos: error`; routes that declare no error need none.
   */
  uncovered(): string[] {
    const gaps: string[] = [];
    for (const [path, ops] of Object.entries(this.doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const statuses = [...this.checked].filter((c) => c.startsWith(`${method} ${path} `)).map((c) => Number(c.split(' ').pop()));
        if (!statuses.some((s) => s < 400)) gaps.push(`${method} ${path}: success`);
        const declaresErrors = Object.keys(op.responses).some((s) => Number(s) >= 400);
        if (declaresErrors && !statuses.some((s) => s >= 400)) gaps.push(`${method} ${path}: error`);
      }
    }
    return gaps;
  }
}
