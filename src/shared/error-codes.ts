/** Stable error codes `XIAOAN_<AREA>_<REASON>` with their HTTP status. The web app translates by code. */
export const ERROR_CODES = {
  XIAOAN_VALIDATION_FAILED: 400,
  XIAOAN_REQUEST_MALFORMED: 400,
  XIAOAN_AUTH_REQUIRED: 401,
  XIAOAN_AUTH_INVALID_CREDENTIALS: 401,
  XIAOAN_AUTH_FORBIDDEN: 403,
  XIAOAN_NOT_FOUND: 404,
  XIAOAN_CONFLICT: 409,
  XIAOAN_PAYLOAD_TOO_LARGE: 413,
  XIAOAN_AUTH_RATE_LIMITED: 429,
  XIAOAN_INTERNAL: 500,
  /** A device asked by the platform (GB/T 28181 query) did not answer in time. */
  XIAOAN_DEVICE_UNREACHABLE: 504,
  /** Live video asked of a device that is not a camera, or of a camera with no video path (not GB/T 28181, not ONVIF). */
  XIAOAN_MEDIA_NO_VIDEO: 409,
  /** This server cannot stream video now (no ffmpeg, or stopping). */
  XIAOAN_MEDIA_UNAVAILABLE: 503,
  /** A bounded job queue (report rendering …) is full: try again shortly. */
  XIAOAN_SERVER_BUSY: 503,
} as const;
export type ErrorCode = keyof typeof ERROR_CODES;

export interface FieldProblem {
  /** Dotted path of the offending field inside the body, query or params, e.g. `camera.fovDeg`. */
  field: string;
  /** Human-readable reason in English; `rule` lets a UI show its own wording. */
  reason: string;
  rule?: string;
}

export interface ErrorBody {
  statusCode: number;
  code: ErrorCode;
  error: string;
  message: string;
  details: FieldProblem[];
}
