export {
  MalformedEventError,
  PROBLEM_CONTENT_TYPE,
  SignatureInvalidError,
  SignatureMissingError,
  TimestampError,
  toProblem,
  VerificationError,
  type Problem,
  type VerificationErrorCode,
} from './errors.js';
export { ATTEMPT_HEADER, type DeliveryEvent, type DeliveryExtensions } from './event.js';
export { createDeliveryVerifier, DEFAULT_TOLERANCE_S, verifyDelivery, type DeliveryVerifier, type VerifyOptions } from './verify.js';
