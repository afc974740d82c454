/**
 * Service errors carry the HTTP status and the RFC 9457 problem type they map to, so services stay free of
 * HTTP code while the API answers every failure in one consistent shape.
 */
export class ServiceError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    readonly title: string,
    detail: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(detail);
  }
}

const TYPE_BASE = 'https://cgtlink.dev/problems/';

export class NotFound extends ServiceError {
  // The same answer whether the record does not exist or exists outside the caller's scope.
  constructor(entity: string) {
    super(404, `${TYPE_BASE}not-found`, 'Not found', `${entity} not found`);
  }
}

export class Forbidden extends ServiceError {
  constructor(detail: string) {
    super(403, `${TYPE_BASE}forbidden`, 'Forbidden', detail);
  }
}

export class Unauthorized extends ServiceError {
  constructor(detail = 'authentication required') {
    super(401, `${TYPE_BASE}unauthorized`, 'Unauthorized', detail);
  }
}

export class InvalidInput extends ServiceError {
  constructor(field: string, detail: string) {
    super(400, `${TYPE_BASE}invalid-input`, 'Invalid input', `${field}: ${detail}`, {
      errors: [{ field, message: detail }],
    });
  }
}

/**
 * A signed-in person's re-entered password did not match (electronic signature). Not 401: the session itself
 * is valid and must not be ended by a mistyped signature password.
 */
export class ReauthenticationFailed extends ServiceError {
  constructor() {
    const message = 'password does not match: the signature was not applied';
    super(403, `${TYPE_BASE}reauthentication-failed`, 'Signature not applied', message, {
      errors: [{ field: 'password', message }],
    });
  }
}

export class Conflict extends ServiceError {
  constructor(detail: string, extra: Record<string, unknown> = {}) {
    super(409, `${TYPE_BASE}conflict`, 'Conflict', detail, extra);
  }
}

export class TooManyAttempts extends ServiceError {
  constructor(readonly retryAfterSeconds: number) {
    super(
      429,
      `${TYPE_BASE}too-many-attempts`,
      'Too many attempts',
      `too many failed sign-in attempts; try again in ${Math.ceil(retryAfterSeconds / 60)} minutes`,
      { retryAfterSeconds },
    );
  }
}
