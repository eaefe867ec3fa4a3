// Spanish (formal "usted"). Side effect only: `import 'scalekit-admin-portal/locales/es'` registers it.
import type { ScalekitAdminPortalStrings } from './en.js';
import { registerLocale } from './registry.js';

registerLocale('es', {
  dir: 'ltr',
  'frame.title': 'Portal de administración',
  'status.loading': 'Cargando el portal de administración…',
  'status.ready': 'El portal de administración está listo.',
  'status.expired': 'Su sesión en el portal de administración ha finalizado.',
  'status.expiring': 'Su sesión en el portal de administración finalizará pronto.',
  'status.expiring_at': 'Su sesión en el portal de administración finalizará a las {time}.',
  'button.renew': 'Renovar ahora',
  'button.new_session': 'Iniciar una nueva sesión',
  'button.retry': 'Reintentar',
  'error.unauthenticated': 'Su sesión ha finalizado. Vuelva a iniciar sesión para administrar esta configuración.',
  'error.forbidden': 'No tiene permiso para administrar esta configuración.',
  'error.rate_limited': 'Demasiados intentos. Espere un momento y vuelva a intentarlo.',
  'error.link_request_failed': 'No se pudo abrir el portal de administración (el servidor respondió {status}).',
  'error.network': 'No se pudo conectar con el servidor. Compruebe su conexión y vuelva a intentarlo.',
  'error.invalid_response': 'El servidor no devolvió un enlace válido al portal de administración.',
  'error.portal_origin': 'El enlace del portal de administración apunta a {origin}, un origen que portal-origin no permite.',
  'error.load_timeout':
    'El portal de administración no se cargó en {seconds} segundos. Si sigue en blanco, añada {origin} a los URI de redirección permitidos en su panel de Scalekit.',
  'error.portal_load_failure': 'No se pudo cargar el portal de administración ({code}).',
} satisfies ScalekitAdminPortalStrings);
