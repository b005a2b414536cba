import { Spin } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useLocation } from 'react-router';
import type { Permission } from '../../shared/permissions.ts';
import { useAuth } from '../features/auth/AuthProvider.tsx';

/** Sends anonymous visitors to /login (and back afterwards); hides views the role may not use. */
export function RequireAuth({ children, permission }: { children: ReactNode; permission?: Permission }) {
  const { t } = useTranslation();
  const { state, can } = useAuth();
  const location = useLocation();
  if (state.status === 'loading') return <Spin fullscreen description={t('app.loading')} />;
  if (state.status === 'anonymous') return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
  if (permission && !can(permission)) return <Navigate to="/map" replace />;
  return <>{children}</>;
}
