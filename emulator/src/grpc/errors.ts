import { type Code, ConnectError } from '@connectrpc/connect';
import { ErrorInfoSchema } from '@scalekit-sdk/node/lib/pkg/grpc/scalekit/v1/errdetails/errdetails_pb.js';

/** A gRPC error with Scalekit's ErrorInfo detail, which the SDK turns into `errorCode`. */
export function scalekitError(code: Code, errorCode: string, message: string): ConnectError {
  return new ConnectError(message, code, undefined, [{ desc: ErrorInfoSchema, value: { errorCode } }]);
}
