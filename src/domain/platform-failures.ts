/** The failure type activities give a platform refusal (a 4xx): retrying cannot help. */
export const PLATFORM_REJECTED = 'PlatformRejected';
