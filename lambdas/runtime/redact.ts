/**
 * Log lines never carry credentials: a URL's user and password (webhook URLs such as
 * `https://user:pass@hooks.example/…`), credential-like query parameters, the secret path of chat webhooks,
 * bearer tokens and EKS tokens.
 */
const USERINFO = /([a-z][a-z0-9+.-]*:\/\/)[^/\s:@]+(?::[^/\s@]*)?@/gi;
const SECRET_PARAMS = /([?&](?:token|access_token|api[_-]?key|apikey|key|secret|password|pass|signature|sig|x-amz-signature|x-amz-security-token|x-amz-credential|code)=)[^&\s"']+/gi;
const BEARER = /(Bearer\s+)[A-Za-z0-9._~+/=-]+/g;
const EKS_TOKEN = /k8s-aws-v1\.[A-Za-z0-9_-]+/g;
// Chat webhooks carry their secret in the path (Slack, Discord, Teams, Google Chat keys are query params above).
const PATH_SECRETS = /((?:hooks\.slack\.com\/services|discord(?:app)?\.com\/api\/webhooks|webhook\.office\.com\/webhookb2)\/)[^\s"'?]+/gi;

/** `text` with credentials replaced by `***`. */
export function redact(text: string): string {
  return text.replace(USERINFO, '$1***@').replace(SECRET_PARAMS, '$1***').replace(BEARER, '$1***').replace(EKS_TOKEN, 'k8s-aws-v1.***').replace(PATH_SECRETS, '$1***');
}
