/** Secrets the inspector tests give the phones; none may reach an inspector. */
export const PASSWORD = 'pa55-w0rd-ALICE';
export const HA1 = '5f4dcc3b5aa765d61d8327deb882cf99';
export const DIGEST_RESPONSE = '6629fae49393a05397450978507c4ef1';
export const SECRETS = [PASSWORD, HA1, DIGEST_RESPONSE];
export const AUTH_HEADER = `Authorization: Digest username="1001", realm="memory", response="${DIGEST_RESPONSE}"`;
