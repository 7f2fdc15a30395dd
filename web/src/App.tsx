import { useEffect } from 'react';
import { homePath, useAuth } from './auth';
import { Loading, NotAvailable } from './components';
import { isStaff } from './labels';
import { Layout } from './Layout';
import { AuditPage } from './pages/AuditPage';
import { LoginPage } from './pages/LoginPage';
import { PatientChartPage } from './pages/PatientChartPage';
import { PatientFormPage } from './pages/PatientFormPage';
import { PatientListPage } from './pages/PatientListPage';
import { ResearchPage } from './pages/ResearchPage';
import { Link, navigate, usePageTitle, useLocation } from './router';
import type { Role } from './types';

function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}

function NotFoundPage() {
  usePageTitle('Page not found');
  return (
    <NotAvailable title="Page not found">
      <p>There is no page at this address.</p>
      <p>
        <Link to="/">Go to the start page</Link>
      </p>
    </NotAvailable>
  );
}

function NotPermittedPage({ what }: { what: string }) {
  usePageTitle('Not permitted');
  return (
    <NotAvailable title="Not permitted">
      <p>{what}</p>
    </NotAvailable>
  );
}

function IdentifiableDataNotAvailable() {
  usePageTitle('Not available to your role');
  return (
    <NotAvailable title="Identifiable data is not available to your role">
      <p>
        Researchers work with de-identified cohort outcomes only. Patient records, names and other identifying
        details are not available to the researcher role.
      </p>
      <p>
        <Link to="/research">Go to the research start page</Link>
      </p>
    </NotAvailable>
  );
}

export function App() {
  const { user } = useAuth();
  const { path, href } = useLocation();

  if (user === undefined) {
    return (
      <Layout>
        <Loading what="Starting OpenKAP" />
      </Layout>
    );
  }

  if (!user) {
    if (path === '/login') return <Layout><LoginPage /></Layout>;
    const next = path === '/' ? '' : `?next=${encodeURIComponent(href)}`;
    return <Redirect to={`/login${next}`} />;
  }

  return <Layout>{route(path, user.role, homePath(user), user.patient_id)}</Layout>;
}

function route(path: string, role: Role, home: string, ownPatientId: number | null) {
  if (path === '/' || path === '/login') return <Redirect to={home} />;

  if (path === '/research') {
    return role === 'researcher' ? <ResearchPage /> : <Redirect to={home} />;
  }

  if (path === '/audit') {
    return role === 'admin' ? <AuditPage /> : <NotPermittedPage what="The audit log is available to administrators only." />;
  }

  if (path === '/no-chart') {
    return (
      <NotAvailable title="No chart linked">
        <p>Your account is not linked to a patient chart yet. Please contact the clinic.</p>
      </NotAvailable>
    );
  }

  if (path === '/patients' || path.startsWith('/patients/')) {
    if (role === 'researcher') return <IdentifiableDataNotAvailable />;
    if (path === '/patients') {
      if (role === 'patient') return <Redirect to={home} />;
      return <PatientListPage />;
    }
    if (path === '/patients/new') {
      return isStaff(role) ? (
        <PatientFormPage key="new" />
      ) : (
        <NotPermittedPage what="Only clinic staff can register patients." />
      );
    }
    const m = /^\/patients\/(\d+)(\/edit)?\/?$/.exec(path);
    if (m) {
      const id = Number(m[1]);
      if (role === 'patient' && id !== ownPatientId) {
        // A patient only ever has their own chart; say nothing about other records.
        return <PatientChartPage key={`chart-${id}`} id={id} forbidden />;
      }
      if (m[2]) {
        return isStaff(role) ? (
          <PatientFormPage key={`edit-${id}`} id={id} />
        ) : (
          <NotPermittedPage what="Only clinic staff can edit patient records." />
        );
      }
      return <PatientChartPage key={`chart-${id}`} id={id} />;
    }
  }

  return <NotFoundPage />;
}
