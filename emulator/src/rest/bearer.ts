// An `Authorization` header carrying one of the emulator's tokens: a compact JWT (three base64url parts), bounded.
export const BEARER_TOKEN = /^Bearer ([A-Za-z0-9_-]{1,2000}\.[A-Za-z0-9_-]{1,4000}\.[A-Za-z0-9_-]{1,1000})$/;
