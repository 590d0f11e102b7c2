import { exponentOf } from '../../domain/money.js';

/**
 * The portal's languages (issue 19): the session's `locale`, else the customer's first
 * preferred locale the portal speaks, else English. Dates and amounts are formatted with Intl
 * for that locale, amounts in the currency's minor-unit exponent (ISO 4217: 2 for eur, 0 for jpy).
 */
export const PORTAL_LANGUAGES = ['en', 'de', 'fr', 'es'] as const;
export type PortalLanguage = (typeof PORTAL_LANGUAGES)[number];

const EN = {
  title: 'Billing details',
  heading: 'Your billing details',
  intro: 'Keep your details, tax ids and payment methods up to date, and see your invoices and payments.',
  return: 'Return to {business}',
  returnPlain: 'Return',
  signOut: 'Sign out',
  saved: 'Saved.',
  details: 'Contact details',
  email: 'Email',
  name: 'Name',
  phone: 'Phone',
  save: 'Save',
  billingAddress: 'Billing address',
  shipping: 'Shipping',
  shippingName: 'Recipient',
  shippingPhone: 'Recipient phone',
  line1: 'Address line 1',
  line2: 'Address line 2',
  city: 'City',
  postalCode: 'Postal code',
  state: 'State or region',
  country: 'Country (2 letters, e.g. DE)',
  removeShipping: 'Remove the shipping address',
  taxIds: 'Tax ids',
  noTaxIds: 'No tax ids yet.',
  taxType: 'Type',
  taxValue: 'Number',
  add: 'Add',
  remove: 'Remove',
  paymentMethods: 'Payment methods',
  noPaymentMethods: 'No payment methods on file.',
  cardsElsewhere: 'Cards are added at the payment processor, never on this page: this page does not accept card numbers.',
  default: 'Default',
  makeDefault: 'Make default',
  expires: 'Expires {date}',
  invoices: 'Invoices',
  noInvoices: 'No invoices yet.',
  number: 'Number',
  date: 'Date',
  amount: 'Amount',
  status: 'Status',
  charges: 'Payments',
  noCharges: 'No payments yet.',
  refunded: 'Refunded {amount} on {date}',
  description: 'Description',
  readOnly: 'These details cannot be changed here.',
  errorTitle: 'Something is not right',
  linkUsed: 'This link has already been used. Links open once; ask for a new one where you came from.',
  linkExpired: 'This link has expired (links work for 10 minutes). Ask for a new one where you came from.',
  linkUnknown: 'This link is not valid. Check that you copied all of it, or ask for a new one.',
  sessionEnded: 'Your session has ended (after 60 minutes, or 15 minutes without activity). Ask for a new link where you came from.',
  noSession: 'There is no open session in this browser. Open the portal with the link you were given.',
  signedOut: 'You are signed out.',
  notFound: 'There is nothing here for your session.',
  csrf: 'The form could not be verified, so nothing was saved. Reload the page and try again.',
  badRequest: 'The request could not be read.',
  failed: 'Something went wrong. Try again later.',
  loginTitle: 'Sign in',
  loginHeading: 'Sign in to your billing details',
  loginIntro: 'Enter the email address you use with us. If it belongs to an account, we will email you a link to your billing details.',
  loginEmail: 'Email address',
  loginSend: 'Email me a link',
  loginSentTitle: 'Check your email',
  loginSent: 'If that address belongs to an account, a sign-in link is on its way to it. The link works once, within 10 minutes. Nothing arrived? Check your spam folder, or try again in a few minutes.',
  loginAgain: 'Use another address',
  loginInvalidEmail: 'Enter an email address, such as name@example.com.',
  loginUnavailable: 'Sign-in by email is not available here. Ask the business you came from for a link to your billing details.',
  loginRateLimited: 'Too many sign-in requests. Try again in {minutes} minutes.',
  mailSubject: 'Your sign-in link for your billing details',
  mailBody: 'Hello,\n\nopen this link to see and update your billing details:\n\n{link}\n\nThe link works once, within 10 minutes. If you did not ask for it, you can ignore this email: nothing happens without the link.\n',
} as const;

export type MessageKey = keyof typeof EN;
type Messages = Record<MessageKey, string>;

const DE: Messages = {
  title: 'Rechnungsdaten',
  heading: 'Ihre Rechnungsdaten',
  intro: 'Halten Sie Ihre Angaben, Steuernummern und Zahlungsmethoden aktuell und sehen Sie Ihre Rechnungen und Zahlungen.',
  return: 'Zurück zu {business}',
  returnPlain: 'Zurück',
  signOut: 'Abmelden',
  saved: 'Gespeichert.',
  details: 'Kontaktdaten',
  email: 'E-Mail',
  name: 'Name',
  phone: 'Telefon',
  save: 'Speichern',
  billingAddress: 'Rechnungsadresse',
  shipping: 'Lieferadresse',
  shippingName: 'Empfänger',
  shippingPhone: 'Telefon des Empfängers',
  line1: 'Adresszeile 1',
  line2: 'Adresszeile 2',
  city: 'Ort',
  postalCode: 'Postleitzahl',
  state: 'Bundesland oder Region',
  country: 'Land (2 Buchstaben, z. B. DE)',
  removeShipping: 'Lieferadresse entfernen',
  taxIds: 'Steuernummern',
  noTaxIds: 'Noch keine Steuernummern.',
  taxType: 'Art',
  taxValue: 'Nummer',
  add: 'Hinzufügen',
  remove: 'Entfernen',
  paymentMethods: 'Zahlungsmethoden',
  noPaymentMethods: 'Keine Zahlungsmethoden hinterlegt.',
  cardsElsewhere: 'Karten werden beim Zahlungsdienstleister hinzugefügt, nie auf dieser Seite: Sie nimmt keine Kartennummern an.',
  default: 'Standard',
  makeDefault: 'Als Standard festlegen',
  expires: 'Gültig bis {date}',
  invoices: 'Rechnungen',
  noInvoices: 'Noch keine Rechnungen.',
  number: 'Nummer',
  date: 'Datum',
  amount: 'Betrag',
  status: 'Status',
  charges: 'Zahlungen',
  noCharges: 'Noch keine Zahlungen.',
  refunded: '{amount} erstattet am {date}',
  description: 'Beschreibung',
  readOnly: 'Diese Angaben können hier nicht geändert werden.',
  errorTitle: 'Etwas stimmt nicht',
  linkUsed: 'Dieser Link wurde bereits verwendet. Links öffnen nur einmal; fordern Sie dort, woher Sie kamen, einen neuen an.',
  linkExpired: 'Dieser Link ist abgelaufen (Links gelten 10 Minuten). Fordern Sie dort, woher Sie kamen, einen neuen an.',
  linkUnknown: 'Dieser Link ist ungültig. Prüfen Sie, ob Sie ihn vollständig kopiert haben, oder fordern Sie einen neuen an.',
  sessionEnded: 'Ihre Sitzung ist beendet (nach 60 Minuten oder 15 Minuten ohne Aktivität). Fordern Sie einen neuen Link an.',
  noSession: 'In diesem Browser ist keine Sitzung offen. Öffnen Sie das Portal mit dem Link, den Sie erhalten haben.',
  signedOut: 'Sie sind abgemeldet.',
  notFound: 'Hier gibt es nichts für Ihre Sitzung.',
  csrf: 'Das Formular konnte nicht geprüft werden; nichts wurde gespeichert. Laden Sie die Seite neu und versuchen Sie es noch einmal.',
  badRequest: 'Die Anfrage konnte nicht gelesen werden.',
  failed: 'Etwas ist schiefgegangen. Versuchen Sie es später noch einmal.',
  loginTitle: 'Anmelden',
  loginHeading: 'Bei Ihren Rechnungsdaten anmelden',
  loginIntro: 'Geben Sie die E-Mail-Adresse ein, die Sie bei uns verwenden. Gehört sie zu einem Konto, senden wir Ihnen einen Link zu Ihren Rechnungsdaten.',
  loginEmail: 'E-Mail-Adresse',
  loginSend: 'Link per E-Mail senden',
  loginSentTitle: 'Sehen Sie in Ihr Postfach',
  loginSent: 'Gehört diese Adresse zu einem Konto, ist ein Anmeldelink an sie unterwegs. Der Link öffnet einmal, innerhalb von 10 Minuten. Nichts angekommen? Sehen Sie im Spam-Ordner nach oder versuchen Sie es in einigen Minuten noch einmal.',
  loginAgain: 'Andere Adresse verwenden',
  loginInvalidEmail: 'Geben Sie eine E-Mail-Adresse ein, etwa name@example.com.',
  loginUnavailable: 'Die Anmeldung per E-Mail ist hier nicht verfügbar. Bitten Sie das Unternehmen, von dem Sie kommen, um einen Link zu Ihren Rechnungsdaten.',
  loginRateLimited: 'Zu viele Anmeldeanfragen. Versuchen Sie es in {minutes} Minuten noch einmal.',
  mailSubject: 'Ihr Anmeldelink zu Ihren Rechnungsdaten',
  mailBody: 'Guten Tag,\n\nöffnen Sie diesen Link, um Ihre Rechnungsdaten zu sehen und zu ändern:\n\n{link}\n\nDer Link öffnet einmal, innerhalb von 10 Minuten. Haben Sie ihn nicht angefordert, können Sie diese E-Mail ignorieren: Ohne den Link geschieht nichts.\n',
};

const FR: Messages = {
  title: 'Informations de facturation',
  heading: 'Vos informations de facturation',
  intro: 'Tenez à jour vos coordonnées, numéros fiscaux et moyens de paiement, et consultez vos factures et paiements.',
  return: 'Retour à {business}',
  returnPlain: 'Retour',
  signOut: 'Se déconnecter',
  saved: 'Enregistré.',
  details: 'Coordonnées',
  email: 'E-mail',
  name: 'Nom',
  phone: 'Téléphone',
  save: 'Enregistrer',
  billingAddress: 'Adresse de facturation',
  shipping: 'Livraison',
  shippingName: 'Destinataire',
  shippingPhone: 'Téléphone du destinataire',
  line1: 'Adresse, ligne 1',
  line2: 'Adresse, ligne 2',
  city: 'Ville',
  postalCode: 'Code postal',
  state: 'État ou région',
  country: 'Pays (2 lettres, p. ex. FR)',
  removeShipping: "Supprimer l'adresse de livraison",
  taxIds: 'Numéros fiscaux',
  noTaxIds: 'Aucun numéro fiscal pour le moment.',
  taxType: 'Type',
  taxValue: 'Numéro',
  add: 'Ajouter',
  remove: 'Supprimer',
  paymentMethods: 'Moyens de paiement',
  noPaymentMethods: 'Aucun moyen de paiement enregistré.',
  cardsElsewhere: "Les cartes s'ajoutent chez le prestataire de paiement, jamais sur cette page : elle n'accepte aucun numéro de carte.",
  default: 'Par défaut',
  makeDefault: 'Définir par défaut',
  expires: 'Expire {date}',
  invoices: 'Factures',
  noInvoices: 'Aucune facture pour le moment.',
  number: 'Numéro',
  date: 'Date',
  amount: 'Montant',
  status: 'Statut',
  charges: 'Paiements',
  noCharges: 'Aucun paiement pour le moment.',
  refunded: '{amount} remboursé le {date}',
  description: 'Description',
  readOnly: 'Ces informations ne peuvent pas être modifiées ici.',
  errorTitle: 'Un problème est survenu',
  linkUsed: "Ce lien a déjà été utilisé. Un lien ne s'ouvre qu'une fois ; demandez-en un nouveau là d'où vous venez.",
  linkExpired: "Ce lien a expiré (les liens valent 10 minutes). Demandez-en un nouveau là d'où vous venez.",
  linkUnknown: "Ce lien n'est pas valide. Vérifiez que vous l'avez copié en entier, ou demandez-en un nouveau.",
  sessionEnded: "Votre session est terminée (après 60 minutes, ou 15 minutes sans activité). Demandez un nouveau lien.",
  noSession: "Aucune session n'est ouverte dans ce navigateur. Ouvrez le portail avec le lien reçu.",
  signedOut: 'Vous êtes déconnecté.',
  notFound: "Il n'y a rien ici pour votre session.",
  csrf: "Le formulaire n'a pas pu être vérifié ; rien n'a été enregistré. Rechargez la page et réessayez.",
  badRequest: "La requête n'a pas pu être lue.",
  failed: 'Une erreur est survenue. Réessayez plus tard.',
  loginTitle: 'Connexion',
  loginHeading: 'Accéder à vos informations de facturation',
  loginIntro: "Saisissez l'adresse e-mail que vous utilisez chez nous. Si elle correspond à un compte, nous vous enverrons un lien vers vos informations de facturation.",
  loginEmail: 'Adresse e-mail',
  loginSend: "M'envoyer un lien",
  loginSentTitle: 'Consultez votre messagerie',
  loginSent: "Si cette adresse correspond à un compte, un lien de connexion lui a été envoyé. Le lien s'ouvre une fois, dans les 10 minutes. Rien reçu ? Vérifiez vos courriers indésirables ou réessayez dans quelques minutes.",
  loginAgain: 'Utiliser une autre adresse',
  loginInvalidEmail: 'Saisissez une adresse e-mail, par exemple nom@example.com.',
  loginUnavailable: "La connexion par e-mail n'est pas disponible ici. Demandez un lien vers vos informations de facturation à l'entreprise d'où vous venez.",
  loginRateLimited: 'Trop de demandes de connexion. Réessayez dans {minutes} minutes.',
  mailSubject: 'Votre lien de connexion à vos informations de facturation',
  mailBody: "Bonjour,\n\nouvrez ce lien pour consulter et modifier vos informations de facturation :\n\n{link}\n\nLe lien s'ouvre une fois, dans les 10 minutes. Si vous ne l'avez pas demandé, ignorez cet e-mail : rien ne se passe sans le lien.\n",
};

const ES: Messages = {
  title: 'Datos de facturación',
  heading: 'Tus datos de facturación',
  intro: 'Mantén al día tus datos, identificadores fiscales y métodos de pago, y consulta tus facturas y pagos.',
  return: 'Volver a {business}',
  returnPlain: 'Volver',
  signOut: 'Cerrar sesión',
  saved: 'Guardado.',
  details: 'Datos de contacto',
  email: 'Correo electrónico',
  name: 'Nombre',
  phone: 'Teléfono',
  save: 'Guardar',
  billingAddress: 'Dirección de facturación',
  shipping: 'Envío',
  shippingName: 'Destinatario',
  shippingPhone: 'Teléfono del destinatario',
  line1: 'Dirección, línea 1',
  line2: 'Dirección, línea 2',
  city: 'Ciudad',
  postalCode: 'Código postal',
  state: 'Provincia o región',
  country: 'País (2 letras, p. ej. ES)',
  removeShipping: 'Eliminar la dirección de envío',
  taxIds: 'Identificadores fiscales',
  noTaxIds: 'Aún no hay identificadores fiscales.',
  taxType: 'Tipo',
  taxValue: 'Número',
  add: 'Añadir',
  remove: 'Eliminar',
  paymentMethods: 'Métodos de pago',
  noPaymentMethods: 'No hay métodos de pago registrados.',
  cardsElsewhere: 'Las tarjetas se añaden en el procesador de pagos, nunca en esta página: no acepta números de tarjeta.',
  default: 'Predeterminado',
  makeDefault: 'Hacer predeterminado',
  expires: 'Caduca {date}',
  invoices: 'Facturas',
  noInvoices: 'Aún no hay facturas.',
  number: 'Número',
  date: 'Fecha',
  amount: 'Importe',
  status: 'Estado',
  charges: 'Pagos',
  noCharges: 'Aún no hay pagos.',
  refunded: '{amount} reembolsado el {date}',
  description: 'Descripción',
  readOnly: 'Estos datos no se pueden cambiar aquí.',
  errorTitle: 'Algo no va bien',
  linkUsed: 'Este enlace ya se ha usado. Los enlaces se abren una sola vez; pide uno nuevo donde lo obtuviste.',
  linkExpired: 'Este enlace ha caducado (los enlaces valen 10 minutos). Pide uno nuevo donde lo obtuviste.',
  linkUnknown: 'Este enlace no es válido. Comprueba que lo copiaste entero o pide uno nuevo.',
  sessionEnded: 'Tu sesión ha terminado (tras 60 minutos, o 15 minutos sin actividad). Pide un enlace nuevo.',
  noSession: 'No hay ninguna sesión abierta en este navegador. Abre el portal con el enlace que recibiste.',
  signedOut: 'Has cerrado la sesión.',
  notFound: 'No hay nada aquí para tu sesión.',
  csrf: 'No se pudo verificar el formulario; no se guardó nada. Recarga la página e inténtalo de nuevo.',
  badRequest: 'No se pudo leer la solicitud.',
  failed: 'Algo salió mal. Inténtalo más tarde.',
  loginTitle: 'Iniciar sesión',
  loginHeading: 'Accede a tus datos de facturación',
  loginIntro: 'Escribe la dirección de correo que usas con nosotros. Si pertenece a una cuenta, te enviaremos un enlace a tus datos de facturación.',
  loginEmail: 'Correo electrónico',
  loginSend: 'Enviarme un enlace',
  loginSentTitle: 'Revisa tu correo',
  loginSent: 'Si esa dirección pertenece a una cuenta, le hemos enviado un enlace de acceso. El enlace se abre una vez, en los próximos 10 minutos. ¿No ha llegado nada? Revisa la carpeta de spam o inténtalo de nuevo en unos minutos.',
  loginAgain: 'Usar otra dirección',
  loginInvalidEmail: 'Escribe una dirección de correo, por ejemplo nombre@example.com.',
  loginUnavailable: 'El acceso por correo no está disponible aquí. Pide un enlace a tus datos de facturación a la empresa de la que vienes.',
  loginRateLimited: 'Demasiadas solicitudes de acceso. Inténtalo de nuevo en {minutes} minutos.',
  mailSubject: 'Tu enlace de acceso a tus datos de facturación',
  mailBody: 'Hola:\n\nabre este enlace para ver y cambiar tus datos de facturación:\n\n{link}\n\nEl enlace se abre una vez, en los próximos 10 minutos. Si no lo has pedido, ignora este correo: sin el enlace no pasa nada.\n',
};

const MESSAGES: Record<PortalLanguage, Messages> = { en: EN, de: DE, fr: FR, es: ES };

function languageOf(tag: string | null | undefined): PortalLanguage | null {
  const base = (tag ?? '').toLowerCase().split('-')[0] as PortalLanguage;
  return (PORTAL_LANGUAGES as readonly string[]).includes(base) ? base : null;
}

/**
 * The session's locale when the portal speaks it (`auto` or an unsupported one: on to the
 * next), else the customer's first preferred locale it speaks, else English. The locale tag kept
 * (`fr-CA`) decides number and date formats.
 */
export function chooseLocale(sessionLocale: string | null, preferred: readonly string[]): { language: PortalLanguage; tag: string } {
  for (const tag of [sessionLocale, ...preferred]) {
    if (!tag || tag === 'auto') continue;
    const language = languageOf(tag);
    if (language) return { language, tag: safeTag(tag, language) };
  }
  return { language: 'en', tag: 'en' };
}

function safeTag(tag: string, fallback: string): string {
  try {
    return Intl.getCanonicalLocales(tag)[0] ?? fallback;
  } catch {
    return fallback;
  }
}

export interface Translator {
  language: PortalLanguage;
  t(key: MessageKey, values?: Record<string, string>): string;
  money(amount: number, currency: string): string;
  date(seconds: number): string;
}

export function translator(locale: { language: PortalLanguage; tag: string }): Translator {
  const messages = MESSAGES[locale.language];
  const dates = new Intl.DateTimeFormat(locale.tag, { dateStyle: 'medium', timeZone: 'UTC' });
  return {
    language: locale.language,
    t: (key, values = {}) => messages[key].replace(/\{(\w+)\}/g, (_, name: string) => values[name] ?? ''),
    money(amount, currency) {
      const exponent = exponentOf(currency.toLowerCase());
      const format = new Intl.NumberFormat(locale.tag, {
        style: 'currency',
        currency: currency.toUpperCase(),
        minimumFractionDigits: exponent,
        maximumFractionDigits: exponent,
      });
      return format.format(amount / 10 ** exponent);
    },
    date: (seconds) => dates.format(new Date(seconds * 1000)),
  };
}

/**
 * The language of a page without a session (the login page): `chosen` (its `locale` parameter,
 * so a merchant can link to one language) when the portal speaks it, else the browser's
 * Accept-Language in order of preference, else English.
 */
export function negotiateLocale(chosen: string | undefined, acceptLanguage: string | undefined): { language: PortalLanguage; tag: string } {
  const ranked = (acceptLanguage ?? '')
    .split(',')
    .slice(0, 20)
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
      return { tag: tag.trim(), q: q === undefined ? 1 : Number(q), index };
    })
    .filter((r) => r.tag !== '' && r.tag !== '*' && r.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index)
    .map((r) => r.tag);
  return chooseLocale(chosen ?? null, ranked);
}
