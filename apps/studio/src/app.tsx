import { lazy, Suspense } from 'preact/compat';
import { useEffect, useState } from 'preact/hooks';
import { KeyPrompt } from './components/KeyPrompt';
import { onUnauthorized } from './lib/api';
import { onLinkClick, usePath } from './lib/router';

// One chunk per page: the first load fetches only the page it shows.
const CreatePage = lazy(() => import('./features/create/CreatePage').then((m) => m.CreatePage));
const VideoPage = lazy(() => import('./features/video/VideoPage').then((m) => m.VideoPage));
const LibraryPage = lazy(() => import('./features/library/LibraryPage').then((m) => m.LibraryPage));
const BatchesPage = lazy(() => import('./features/batches/BatchesPage').then((m) => m.BatchesPage));
const BatchPage = lazy(() => import('./features/batches/BatchPage').then((m) => m.BatchPage));
const SchedulesPage = lazy(() => import('./features/schedules/SchedulesPage').then((m) => m.SchedulesPage));
const CachePage = lazy(() => import('./features/cache/CachePage').then((m) => m.CachePage));
const SystemPage = lazy(() => import('./features/system/SystemPage').then((m) => m.SystemPage));

function Page({ path }: { path: string }) {
  const video = /^\/videos\/([^/]+)$/.exec(path);
  if (video) return <VideoPage id={decodeURIComponent(video[1]!)} />;
  const batch = /^\/batches\/([^/]+)$/.exec(path);
  if (batch) return <BatchPage id={decodeURIComponent(batch[1]!)} />;
  if (path === '/library') return <LibraryPage />;
  if (path === '/batches') return <BatchesPage />;
  if (path === '/schedules') return <SchedulesPage />;
  if (path === '/cache') return <CachePage />;
  if (path === '/system') return <SystemPage />;
  if (path === '/') return <CreatePage />;
  return <section><h1>Not found</h1><p>No page at {path}.</p></section>;
}

export function App() {
  const path = usePath();
  const [needKey, setNeedKey] = useState(false);
  const [epoch, setEpoch] = useState(0);
  useEffect(() => onUnauthorized(() => setNeedKey(true)), []);
  const nav = [
    ['/', 'Create'],
    ['/library', 'Videos'],
    ['/batches', 'Batches'],
    ['/schedules', 'Schedules'],
    ['/cache', 'Cache'],
    ['/system', 'System'],
  ] as const;
  return (
    <>
      <a class="skip" href="#main">Skip to content</a>
      <header>
        <a href="/" class="brand" onClick={onLinkClick}>vidflow Studio</a>
        <nav aria-label="Main">
          {nav.map(([href, label]) => (
            <a key={href} href={href} onClick={onLinkClick} aria-current={path === href || (href !== '/' && path.startsWith(`${href}/`)) ? 'page' : undefined}>{label}</a>
          ))}
        </nav>
      </header>
      <main id="main">
        {needKey ? (
          <KeyPrompt onDone={() => { setNeedKey(false); setEpoch(epoch + 1); }} />
        ) : (
          <Suspense fallback={<p>Loading…</p>}>
            <Page key={`${path}${location.search}#${epoch}`} path={path} />
          </Suspense>
        )}
      </main>
    </>
  );
}
