// Arabic (Modern Standard Arabic), laid out right to left. Side effect only:
// `import 'scalekit-admin-portal/locales/ar'` registers it. Values that read left to right (an origin, a code,
// a time) sit between FIRST STRONG ISOLATE and POP DIRECTORY ISOLATE (\u2068 … \u2069), so their punctuation
// stays where it belongs in the right-to-left sentence.
import type { ScalekitAdminPortalStrings } from './en.js';
import { registerLocale } from './registry.js';

registerLocale('ar', {
  dir: 'rtl',
  'frame.title': 'بوابة الإدارة',
  'status.loading': 'جارٍ تحميل بوابة الإدارة…',
  'status.ready': 'بوابة الإدارة جاهزة.',
  'status.expired': 'انتهت جلستك في بوابة الإدارة.',
  'status.expiring': 'ستنتهي جلستك في بوابة الإدارة قريبًا.',
  'status.expiring_at': 'ستنتهي جلستك في بوابة الإدارة في الساعة \u2068{time}\u2069.',
  'button.renew': 'تجديد الآن',
  'button.new_session': 'بدء جلسة جديدة',
  'button.retry': 'إعادة المحاولة',
  'error.unauthenticated': 'انتهت جلستك. يُرجى تسجيل الدخول مرة أخرى لإدارة هذه الإعدادات.',
  'error.forbidden': 'ليست لديك صلاحية لإدارة هذه الإعدادات.',
  'error.rate_limited': 'عدد كبير جدًا من المحاولات. يُرجى الانتظار قليلًا ثم المحاولة مرة أخرى.',
  'error.link_request_failed': 'تعذّر فتح بوابة الإدارة (ردّ الخادم: \u2068{status}\u2069).',
  'error.network': 'تعذّر الوصول إلى الخادم. يُرجى التحقق من اتصالك ثم المحاولة مرة أخرى.',
  'error.invalid_response': 'لم يُرجِع الخادم رابطًا صالحًا لبوابة الإدارة.',
  'error.portal_origin': 'يشير رابط بوابة الإدارة إلى \u2068{origin}\u2069، وهو مصدر لا يسمح به portal-origin.',
  'error.load_timeout':
    'لم يكتمل تحميل بوابة الإدارة خلال \u2068{seconds}\u2069 ثانية. إذا ظلّت فارغة، فأضف \u2068{origin}\u2069 إلى عناوين URI لإعادة التوجيه المسموح بها في لوحة تحكم Scalekit.',
  'error.portal_load_failure': 'تعذّر تحميل بوابة الإدارة (\u2068{code}\u2069).',
} satisfies ScalekitAdminPortalStrings);
