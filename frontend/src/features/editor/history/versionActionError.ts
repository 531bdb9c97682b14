import { ApiError, toApiError } from "../../../api/problems";

const LISTED_PROBLEMS = 3;

function problemMessages(problems: unknown): string[] {
  if (!Array.isArray(problems)) return [];
  return problems.flatMap((problem: unknown) =>
    typeof problem === "object" && problem !== null && "message" in problem && typeof problem.message === "string"
      ? [problem.message]
      : [],
  );
}

/**
 * The API's reason for refusing a version action. Publishing a version with problems answers
 * `{detail: {message, problems}}`, which the shared error reader cannot word, so it is read here.
 */
export function versionActionError(error: unknown, status: number): ApiError {
  const detail = typeof error === "object" && error !== null && "detail" in error ? error.detail : undefined;
  if (typeof detail === "object" && detail !== null && "message" in detail && typeof detail.message === "string") {
    const problems = "problems" in detail ? problemMessages(detail.problems) : [];
    const listed = problems.slice(0, LISTED_PROBLEMS).join("; ");
    const more = problems.length > LISTED_PROBLEMS ? ` (and ${String(problems.length - LISTED_PROBLEMS)} more)` : "";
    return new ApiError(listed ? `${detail.message}: ${listed}${more}` : detail.message, {}, status);
  }
  return toApiError(error, status);
}
