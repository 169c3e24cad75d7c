import { z } from 'zod';
import { MEDIA_URL_MAX_LENGTH, parseMediaUrl } from './media-url';
import { type AddressClass, classifyAddress, describeAddressClass } from './classify-address';

/**
 * An http(s) URL checked for its form by the media URL rules (`parseMediaUrl`). Whether it may name a private
 * address depends on the deployment (MEDIA_ALLOW_PRIVATE_URLS, WEBHOOK_ALLOW_PRIVATE_URLS), so the API checks
 * literal addresses with its config and the worker checks every address it connects to.
 */
export const HttpUrlSchema = z
  .string()
  .min(1)
  .max(MEDIA_URL_MAX_LENGTH)
  .superRefine((ref, ctx) => {
    const parsed = parseMediaUrl(ref, { allowPrivate: true });
    if (parsed.problem !== undefined) ctx.addIssue({ code: 'custom', message: parsed.problem });
  });

/** `callbackUrl` of video, batch and transcription requests (see HttpUrlSchema and callbackUrlProblem). */
export const CallbackUrlSchema = HttpUrlSchema;

/**
 * Why the API refuses a callbackUrl with this deployment's settings, or undefined. Host names are judged by the
 * worker at connect time, on the addresses DNS gives it then; a host written as an IP address is judged here.
 */
export function callbackUrlProblem(ref: string, allowPrivate: boolean): string | undefined {
  const parsed = parseMediaUrl(ref, { allowPrivate: true });
  if (parsed.problem !== undefined) return parsed.problem;
  const c = allowPrivate ? undefined : classifyAddress(parsed.url.hostname);
  return c !== undefined && c !== 'public' ? privateCallbackProblem(parsed.url.hostname, c) : undefined;
}

/** The sentence the API and the worker use for a callback host they will not connect to. */
export function privateCallbackProblem(address: string, c: AddressClass): string {
  return `${address} is ${describeAddressClass(c)}; callback URLs must point at public hosts (WEBHOOK_ALLOW_PRIVATE_URLS=true allows private addresses)`;
}

/** `POST /api/webhooks/test`. */
export const WebhookTestRequestSchema = z.strictObject({ url: CallbackUrlSchema });
