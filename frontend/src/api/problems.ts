/** The API's errors ({error, detail}) as one readable message plus the messages per form field. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly fields: Readonly<Record<string, string>>,
    readonly status: number | null,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

interface FieldProblem {
  field: string;
  message: string;
}

function isFieldProblem(value: unknown): value is FieldProblem {
  return (
    typeof value === "object" &&
    value !== null &&
    "field" in value &&
    "message" in value &&
    typeof value.field === "string" &&
    typeof value.message === "string"
  );
}

function fieldProblems(detail: unknown): FieldProblem[] {
  if (isFieldProblem(detail)) return [detail];
  if (Array.isArray(detail)) return detail.filter(isFieldProblem);
  return [];
}

/** Turns whatever an openapi-fetch call returned as its error into an ApiError. */
export function toApiError(error: unknown, status: number | null = null): ApiError {
  if (error instanceof ApiError) return error;
  const detail = typeof error === "object" && error !== null && "detail" in error ? error.detail : undefined;
  const problems = fieldProblems(detail);
  const fields: Record<string, string> = {};
  for (const problem of problems) fields[problem.field] = problem.message;
  let message = "Something went wrong; please try again.";
  if (typeof detail === "string") message = detail;
  else if (problems.length > 0) message = problems.map((problem) => `${problem.field}: ${problem.message}`).join("; ");
  // A conflict explains itself in an object, e.g. {message, used_by} when deleting what is in use.
  else if (typeof detail === "object" && detail !== null && "message" in detail && typeof detail.message === "string")
    message = detail.message;
  else if (status === 403) message = "Your role does not allow this.";
  return new ApiError(message, fields, status);
}

interface CallResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** Awaits an openapi-fetch call and returns its data, or throws an ApiError carrying the field messages. */
export async function unwrap<T>(call: Promise<CallResult<T>>): Promise<T> {
  const { data, error, response } = await call;
  if (response.ok && data !== undefined) return data;
  if (response.ok && response.status === 204) return undefined as T;
  throw toApiError(error, response.status);
}

/** The message for one form field, from an error of a failed mutation. */
export function fieldError(error: unknown, field: string): string | undefined {
  return error instanceof ApiError ? error.fields[field] : undefined;
}
