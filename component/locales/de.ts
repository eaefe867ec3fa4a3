// German (formal "Sie"). Side effect only: `import 'scalekit-admin-portal/locales/de'` registers it.
import type { ScalekitAdminPortalStrings } from './en.js';
import { registerLocale } from './registry.js';

registerLocale('de', {
  dir: 'ltr',
  'frame.title': 'Admin-Portal',
  'status.loading': 'Das Admin-Portal wird geladen …',
  'status.ready': 'Das Admin-Portal ist bereit.',
  'status.expired': 'Ihre Sitzung im Admin-Portal ist abgelaufen.',
  'status.expiring': 'Ihre Sitzung im Admin-Portal läuft bald ab.',
  'status.expiring_at': 'Ihre Sitzung im Admin-Portal läuft um {time} ab.',
  'button.renew': 'Jetzt verlängern',
  'button.new_session': 'Neue Sitzung starten',
  'button.retry': 'Erneut versuchen',
  'error.unauthenticated': 'Ihre Sitzung ist abgelaufen. Melden Sie sich erneut an, um diese Einstellungen zu verwalten.',
  'error.forbidden': 'Sie sind nicht berechtigt, diese Einstellungen zu verwalten.',
  'error.rate_limited': 'Zu viele Versuche. Warten Sie einen Moment und versuchen Sie es dann erneut.',
  'error.link_request_failed': 'Das Admin-Portal konnte nicht geöffnet werden (Antwort des Servers: {status}).',
  'error.network': 'Der Server ist nicht erreichbar. Prüfen Sie Ihre Verbindung und versuchen Sie es dann erneut.',
  'error.invalid_response': 'Der Server hat keinen gültigen Link zum Admin-Portal geliefert.',
  'error.portal_origin': 'Der Link zum Admin-Portal verweist auf {origin}; portal-origin lässt diesen Ursprung nicht zu.',
  'error.load_timeout':
    'Das Admin-Portal wurde nicht innerhalb von {seconds} Sekunden geladen. Falls es leer bleibt, fügen Sie {origin} in Ihrem Scalekit-Dashboard zu den erlaubten Redirect-URIs hinzu.',
  'error.portal_load_failure': 'Das Admin-Portal konnte nicht geladen werden ({code}).',
} satisfies ScalekitAdminPortalStrings);
