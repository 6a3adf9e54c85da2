// Public surface of the error model: what domains import to declare and raise their errors.
export {
  DomainError,
  type DomainErrorOptions,
  declaredErrors,
  defineErrors,
  type ErrorSpec,
  type ErrorStatus,
  type ErrorTable,
  errorSpec,
  type FieldPath,
} from "./domainError.ts";
export {
  conflict,
  forbidden,
  invalidField,
  notFound,
  PLATFORM_ERRORS,
  type PlatformErrorCode,
} from "./platform.ts";
