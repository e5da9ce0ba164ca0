// @keyway/auth: who is signed in, and the account flows around it. This entry has no framework
// in it; Auth.js's options (next-auth) are the "@keyway/auth/next" entry, for the portal.
export { sessionService, describeDevice, SESSION_IDLE_S, SESSION_MAX_AGE_S, type Client, type SessionService, type Viewer } from "./sessions.ts";
export { clientAddress, PEER_HEADER } from "@keyway/core";
export { throttleService, clientOf, delayFor, isThrottled, ThrottledError, MAX_DELAY_MS, SIGN_IN_FAILURES_PER_IP, SIGN_IN_FAILURES_PER_PAIR, SIGN_UP_PER_IP, SLOW_AFTER_ACCOUNT_FAILURES, type ThrottleLimiter, type ThrottleService } from "./throttle.ts";
export { hashPassword, needsRehash, verifyPassword, MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from "./passwords.ts";
export { mailService, MailNotConfiguredError, render, type Mail, type MailService } from "./mail.ts";
export { accountService, RESET_PASSWORD_TTL_MS, VERIFY_EMAIL_TTL_MS, type AccountService } from "./accounts.ts";
export { secondFactorService, RECOVERY_CODE_COUNT, type SecondFactorService } from "./second-factor.ts";
export { userService, type PasswordCheck, type UserService } from "./users.ts";
export { invitationService, INVITATION_TTL_MS, MAX_PENDING_INVITATIONS, type InvitationService } from "./invitations.ts";
