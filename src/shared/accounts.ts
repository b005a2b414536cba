import type { Role } from './domain.ts';

/** A user account as the API shows it (never its password hash). */
export interface User {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  universityId: string | null;
  disabled: boolean;
  phone: string | null;
  createdAt: string;
  updatedAt: string;
  lastLoginAt: string | null;
}
