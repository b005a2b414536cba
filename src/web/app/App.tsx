import { App as AntApp, ConfigProvider, Spin } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { lazy, Suspense, useEffect, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router';
import { AuthProvider, useAuth } from '../features/auth/AuthProvider.tsx';
import { LoginPage } from '../features/auth/LoginPage.tsx';
import { AppLayout } from './AppLayout.tsx';
import { NotFound } from './NotFound.tsx';
import { RequireAuth } from './RequireAuth.tsx';
import { theme } from './theme.ts';

// The map (MapLibre) is the heaviest part: load it only when it is shown.
const MapView = lazy(() => import('../features/map/MapView.tsx').then((m) => ({ default: m.MapView })));
const LedgerView = lazy(() => import('../features/ledger/LedgerView.tsx').then((m) => ({ default: m.LedgerView })));
const PeopleView = lazy(() => import('../features/people/PeopleView.tsx').then((m) => ({ default: m.PeopleView })));
const AccessView = lazy(() => import('../features/access/AccessView.tsx').then((m) => ({ default: m.AccessView })));
const PatrolView = lazy(() => import('../features/patrol/PatrolView.tsx').then((m) => ({ default: m.PatrolView })));
const VisitorsView = lazy(() => import('../features/visitors/VisitorsView.tsx').then((m) => ({ default: m.VisitorsView })));
const VisitorsPhonePage = lazy(() => import('../features/visitors/VisitorsPhonePage.tsx').then((m) => ({ default: m.VisitorsPhonePage })));
const DutyView = lazy(() => import('../features/duty/DutyView.tsx').then((m) => ({ default: m.DutyView })));
const VehiclesView = lazy(() => import('../features/vehicles/VehiclesView.tsx').then((m) => ({ default: m.VehiclesView })));
// The trajectory page draws on MapLibre too: loaded when opened.
const TrajectoryView = lazy(() => import('../features/trajectory/TrajectoryView.tsx').then((m) => ({ default: m.TrajectoryView })));
const AuditView = lazy(() => import('../features/audit/AuditView.tsx').then((m) => ({ default: m.AuditView })));
const EventStreamView = lazy(() => import('../features/events/EventStreamView.tsx').then((m) => ({ default: m.EventStreamView })));
const DeadLettersView = lazy(() => import('../features/dead-letters/DeadLettersView.tsx').then((m) => ({ default: m.DeadLettersView })));
const OnlineRateView = lazy(() => import('../features/device-health/OnlineRateView.tsx').then((m) => ({ default: m.OnlineRateView })));
const VideoWallView = lazy(() => import('../features/video/VideoWallView.tsx').then((m) => ({ default: m.VideoWallView })));
const AlarmsView = lazy(() => import('../features/alarms/AlarmsView.tsx').then((m) => ({ default: m.AlarmsView })));
const AlarmStatsView = lazy(() => import('../features/alarm-stats/AlarmStatsView.tsx').then((m) => ({ default: m.AlarmStatsView })));
const ComplianceView = lazy(() => import('../features/compliance/ComplianceView.tsx').then((m) => ({ default: m.ComplianceView })));
const RulesView = lazy(() => import('../features/rules/RulesView.tsx').then((m) => ({ default: m.RulesView })));
const GuardPage = lazy(() => import('../features/guard/GuardPage.tsx').then((m) => ({ default: m.GuardPage })));

/** Guards work on the phone page, not the console: they land on /guard after login. */
function GuardsToPhonePage({ children }: { children: ReactNode }) {
  const { state } = useAuth();
  if (state.status === 'authenticated' && state.session.user.role === 'guard') return <Navigate to="/guard" replace />;
  return <>{children}</>;
}

function ViewFallback() {
  return <Spin className="view-spin" />;
}

export function App() {
  const { t, i18n } = useTranslation();
  const english = i18n.language === 'en';
  useEffect(() => {
    dayjs.locale(english ? 'en' : 'zh-cn');
    document.title = `${t('app.name')} · ${t('app.fullName')}`;
  }, [english, t]);

  return (
    // The router is outermost: messages, notifications and confirms (App.useApp) render in AntApp's
    // holder, and a link inside one needs the router around it.
    <BrowserRouter>
      <ConfigProvider locale={english ? enUS : zhCN} theme={theme}>
        <AntApp>
          <AuthProvider>
            <Routes>
              <Route path="/login" element={<LoginPage />} />
              <Route
                path="/guard"
                element={
                  <RequireAuth permission="dispatch.self">
                    <Suspense fallback={<ViewFallback />}>
                      <GuardPage />
                    </Suspense>
                  </RequireAuth>
                }
              />
              {/* Phone-friendly, outside the console: hosts register visitors, guards check them in and out. */}
              <Route
                path="/visitors/phone"
                element={
                  <RequireAuth permission="visitor.write">
                    <Suspense fallback={<ViewFallback />}>
                      <VisitorsPhonePage />
                    </Suspense>
                  </RequireAuth>
                }
              />
              <Route
                element={
                  <RequireAuth>
                    <GuardsToPhonePage>
                      <AppLayout />
                    </GuardsToPhonePage>
                  </RequireAuth>
                }
              >
                <Route index element={<Navigate to="/map" replace />} />
                <Route path="map" element={<Suspense fallback={<ViewFallback />}><MapView /></Suspense>} />
                <Route path="ledger" element={<Suspense fallback={<ViewFallback />}><LedgerView /></Suspense>} />
                <Route
                  path="people"
                  element={
                    <RequireAuth permission="person.read">
                      <Suspense fallback={<ViewFallback />}>
                        <PeopleView />
                      </Suspense>
                    </RequireAuth>
                  }
                />
                <Route
                  path="vehicles"
                  element={
                    <RequireAuth permission="vehicle.read">
                      <Suspense fallback={<ViewFallback />}>
                        <VehiclesView />
                      </Suspense>
                    </RequireAuth>
                  }
                />
                <Route
                  path="access"
                  element={
                    <RequireAuth permission="access.read">
                      <Suspense fallback={<ViewFallback />}>
                        <AccessView />
                      </Suspense>
                    </RequireAuth>
                  }
                />
                <Route
                  path="patrol"
                  element={
                    <RequireAuth permission="patrol.read">
                      <Suspense fallback={<ViewFallback />}>
                        <PatrolView />
                      </Suspense>
                    </RequireAuth>
                  }
                />
                <Route
                  path="visitors"
                  element={
                    <RequireAuth permission="visitor.read">
                      <Suspense fallback={<ViewFallback />}>
                        <VisitorsView />
                      </Suspense>
                    </RequireAuth>
                  }
                />
                <Route
                  path="duty"
                  element={
                    <RequireAuth permission="duty.read">
                      <Suspense fallback={<ViewFallback />}>
                        <DutyView />
                      </Suspense>
                    </RequireAuth>
                  }
                />
                <Route
                  path="trajectory"
                  element={
                    <RequireAuth permission="trajectory.read">
                      <Suspense fallback={<ViewFallback />}>
                        <TrajectoryView />
                      </Suspense>
                    </RequireAuth>
                  }
                />
                <Route
                  path="video"
                  element={
                    <RequireAuth permission="video.view">
                      <Suspense fallback={<ViewFallback />}>
                        <VideoWallView />
                      </Suspense>
                    </RequireAuth>
                  }
                />
                <Route
                  path="alarms"
                  element={
                    <RequireAuth permission="alarm.read">
                      <Suspense fallback={<ViewFallback />}>
                        <AlarmsView />
                      </Suspense>
                    </RequireAuth>
                  }
                />
                <Route
                  path="alarm-stats"
                  element={
                    <RequireAuth permission="alarm.read">
                      <Suspense fallback={<ViewFallback />}>
                        <AlarmStatsView />
                      </Suspense>
                    </RequireAuth>
                  }
                />
                <Route
                  path="compliance"
                  element={
                    <RequireAuth permission="compliance.read">
                      <Suspense fallback={<ViewFallback />}>
                        <ComplianceView />
                      </Suspense>
                    </RequireAuth>
                  }
                />
                <Route
                  path="rules"
                  element={
                    <RequireAuth permission="rule.read">
                      <Suspense fallback={<ViewFallback />}>
                        <RulesView />
                      </Suspense>
                    </RequireAuth>
                  }
                />
                <Route
                  path="audit"
                  element={
                    <RequireAuth permission="audit.read">
                      <Suspense fallback={<ViewFallback />}>
                        <AuditView />
                      </Suspense>
                    </RequireAuth>
                  }
                />
                <Route
                  path="events"
                  element={
                    <RequireAuth permission="event.read">
                      <Suspense fallback={<ViewFallback />}>
                        <EventStreamView />
                      </Suspense>
                    </RequireAuth>
                  }
                />
                <Route
                  path="dead-letters"
                  element={
                    <RequireAuth permission="device.read">
                      <Suspense fallback={<ViewFallback />}>
                        <DeadLettersView />
                      </Suspense>
                    </RequireAuth>
                  }
                />
                <Route
                  path="device-health"
                  element={
                    <RequireAuth permission="device.read">
                      <Suspense fallback={<ViewFallback />}>
                        <OnlineRateView />
                      </Suspense>
                    </RequireAuth>
                  }
                />
                <Route path="*" element={<NotFound />} />
              </Route>
            </Routes>
          </AuthProvider>
        </AntApp>
      </ConfigProvider>
    </BrowserRouter>
  );
}
