/**
 * Deterministic, realistic customers for the benchmark. Customer i of a dataset depends only
 * on (seed, i), never on what was generated before it, so any customer (its id, its external
 * id) can be recomputed on its own: the seeder streams them into the database and the load
 * generator picks random existing ids without reading the database.
 *
 * Customers are in creation order: index 0 is the oldest, created ~2 years before END, and
 * sign-ups grow linearly over time (more customers recently), like a growing business.
 *
 * Each customer has its payment history (activityAt): 1–5 charges (3 on average) in its own
 * currency or another, some refunded, and one invoice in some state of its lifecycle. One
 * customer heads a tree of up to 1,000 descendants (treeOf); everyone else is a root.
 */

/** Bump when the generated data changes shape, so cached seeded databases are rebuilt. */
export const DATASET_VERSION = 2;
export const DEFAULT_SEED = 20240611;

/** A fixed end instead of "now", so the same seed gives the same rows on any day. */
const END = Date.UTC(2025, 5, 1) / 1000;
const SPAN = 2 * 365 * 24 * 3600;

/** mulberry32: a tiny, fast 32-bit PRNG; returns floats in [0, 1). */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** MurmurHash3's finaliser: a bijection on 32-bit integers, so distinct indexes seed distinct streams. */
function mix32(x) {
  let h = x >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

function rngFor(seed, index) {
  return mulberry32(mix32((index ^ mix32(seed)) >>> 0));
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const BASE36 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

const pick = (rng, list) => list[Math.floor(rng() * list.length)];
const int = (rng, min, max) => min + Math.floor(rng() * (max - min + 1));
const digits = (rng, n) => {
  let s = '';
  for (let k = 0; k < n; k++) s += String(Math.floor(rng() * 10));
  return s;
};
const chance = (rng, p) => rng() < p;

/** Lower-case ASCII for email local parts: strips accents, keeps letters only. */
function ascii(text) {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/ß/g, 'ss')
    .replace(/[^A-Za-z]/g, '')
    .toLowerCase();
}

/**
 * Names per locale. Japanese names carry a romanisation for the email address:
 * [written, romaji].
 */
const NAMES = {
  en: {
    first: ['James', 'Mary', 'Robert', 'Patricia', 'John', 'Jennifer', 'Michael', 'Linda', 'David', 'Elizabeth', 'William', 'Barbara', 'Richard', 'Susan', 'Joseph', 'Jessica', 'Thomas', 'Sarah', 'Christopher', 'Karen', 'Daniel', 'Emily', 'Matthew', 'Olivia', 'Anthony', 'Chloe', 'Mark', 'Grace', 'Oliver', 'Amelia', 'Harry', 'Isla', 'Jack', 'Ava', 'Noah', 'Mia', 'Liam', 'Zoe', 'Ethan', 'Ruby'],
    last: ['Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Wilson', 'Anderson', 'Taylor', 'Thomas', 'Moore', 'Jackson', 'Martin', 'Lee', 'Thompson', 'White', 'Harris', 'Clark', 'Lewis', 'Robinson', 'Walker', 'Young', 'Allen', 'King', 'Wright', 'Scott', 'Green', 'Baker', 'Evans', 'Hughes', 'Roberts', 'Edwards', "O'Brien", 'Murphy', 'Kelly', 'Walsh', 'Rosen', 'Nguyen'],
  },
  de: {
    first: ['Lukas', 'Anna', 'Jonas', 'Lea', 'Leon', 'Hannah', 'Finn', 'Sophie', 'Paul', 'Marie', 'Felix', 'Lena', 'Maximilian', 'Laura', 'Jürgen', 'Sabine', 'Uwe', 'Petra', 'Klaus', 'Brigitte', 'Matthias', 'Katharina', 'Tobias', 'Jana', 'Sören', 'Jörg', 'Björn', 'Ute', 'Till', 'Greta'],
    last: ['Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Meyer', 'Wagner', 'Becker', 'Schulz', 'Hoffmann', 'Schäfer', 'Koch', 'Bauer', 'Richter', 'Klein', 'Wolf', 'Schröder', 'Neumann', 'Schwarz', 'Zimmermann', 'Braun', 'Krüger', 'Hofmann', 'Hartmann', 'Lange', 'Weiß', 'Groß', 'Köhler', 'Jäger', 'Böhm'],
  },
  fr: {
    first: ['Gabriel', 'Louise', 'Raphaël', 'Jade', 'Léo', 'Ambre', 'Louis', 'Alice', 'Lucas', 'Chloé', 'Hugo', 'Léa', 'Arthur', 'Emma', 'Jules', 'Inès', 'Théo', 'Manon', 'Mathéo', 'Camille', 'François', 'Hélène', 'Benoît', 'Cécile', 'Jérôme', 'Élodie', 'Noël', 'Anaïs', 'Amélie', 'Gaëlle'],
    last: ['Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand', 'Leroy', 'Moreau', 'Simon', 'Laurent', 'Lefèvre', 'Michel', 'Garcia', 'David', 'Bertrand', 'Roux', 'Vincent', 'Fournier', 'Morel', 'Girard', 'André', 'Lefebvre', 'Mercier', 'Dupont', 'Lambert', 'Bonnet', 'François', 'Martinez'],
  },
  es: {
    first: ['Hugo', 'Lucía', 'Martín', 'Sofía', 'Mateo', 'Martina', 'Pablo', 'María', 'Álvaro', 'Paula', 'Alejandro', 'Valeria', 'Daniel', 'Julia', 'Adrián', 'Carmen', 'Javier', 'Elena', 'José', 'Ana', 'Sergio', 'Begoña', 'Íñigo', 'Nerea', 'Rubén', 'Irene', 'Jesús', 'Ainhoa', 'Andrés', 'Noelia'],
    last: ['García', 'Rodríguez', 'González', 'Fernández', 'López', 'Martínez', 'Sánchez', 'Pérez', 'Gómez', 'Martín', 'Jiménez', 'Ruiz', 'Hernández', 'Díaz', 'Moreno', 'Muñoz', 'Álvarez', 'Romero', 'Alonso', 'Gutiérrez', 'Navarro', 'Torres', 'Domínguez', 'Vázquez', 'Ramos', 'Gil', 'Ramírez', 'Serrano', 'Blanco', 'Castillo'],
  },
  pt: {
    first: ['Miguel', 'Helena', 'Arthur', 'Alice', 'Heitor', 'Laura', 'Théo', 'Manuela', 'Davi', 'Valentina', 'Bernardo', 'Sophia', 'Gabriel', 'Isabella', 'Pedro', 'Lívia', 'João', 'Luíza', 'Lorenzo', 'Cecília', 'Caio', 'Beatriz', 'Vinícius', 'Mariana', 'Thiago', 'Letícia', 'Otávio', 'Júlia', 'Rafael', 'Giovanna'],
    last: ['Silva', 'Santos', 'Oliveira', 'Souza', 'Rodrigues', 'Ferreira', 'Alves', 'Pereira', 'Lima', 'Gomes', 'Costa', 'Ribeiro', 'Martins', 'Carvalho', 'Almeida', 'Lopes', 'Soares', 'Fernandes', 'Vieira', 'Barbosa', 'Rocha', 'Dias', 'Nascimento', 'Andrade', 'Moreira', 'Nunes', 'Marques', 'Machado', 'Mendes', 'Araújo'],
  },
  ja: {
    first: [['翔太', 'shota'], ['陽菜', 'hina'], ['蓮', 'ren'], ['結衣', 'yui'], ['大翔', 'hiroto'], ['葵', 'aoi'], ['悠真', 'yuma'], ['さくら', 'sakura'], ['湊', 'minato'], ['美咲', 'misaki'], ['健太', 'kenta'], ['愛', 'ai'], ['拓海', 'takumi'], ['七海', 'nanami'], ['大輔', 'daisuke'], ['彩', 'aya'], ['直樹', 'naoki'], ['真由美', 'mayumi'], ['浩二', 'koji'], ['恵子', 'keiko']],
    last: [['佐藤', 'sato'], ['鈴木', 'suzuki'], ['高橋', 'takahashi'], ['田中', 'tanaka'], ['伊藤', 'ito'], ['渡辺', 'watanabe'], ['山本', 'yamamoto'], ['中村', 'nakamura'], ['小林', 'kobayashi'], ['加藤', 'kato'], ['吉田', 'yoshida'], ['山田', 'yamada'], ['佐々木', 'sasaki'], ['山口', 'yamaguchi'], ['松本', 'matsumoto'], ['井上', 'inoue'], ['木村', 'kimura'], ['林', 'hayashi'], ['斎藤', 'saito'], ['清水', 'shimizu']],
  },
  nl: {
    first: ['Daan', 'Emma', 'Sem', 'Julia', 'Lucas', 'Mila', 'Levi', 'Tess', 'Finn', 'Sophie', 'Bram', 'Fleur', 'Jesse', 'Sanne', 'Thijs', 'Lotte', 'Ruben', 'Anouk', 'Joris', 'Femke'],
    last: ['de Jong', 'Jansen', 'de Vries', 'van den Berg', 'van Dijk', 'Bakker', 'Janssen', 'Visser', 'Smit', 'Meijer', 'de Boer', 'Mulder', 'de Groot', 'Bos', 'Vos', 'Peters', 'Hendriks', 'van Leeuwen', 'Dekker', 'Brouwer'],
  },
};

/**
 * Countries: cities with their region and a postcode maker, street names and how a street
 * line is written, an E.164 mobile number maker, locale, currency, and popular email domains.
 */
const COUNTRIES = [
  {
    code: 'US', weight: 30, names: 'en', locale: 'en-US', currency: 'usd',
    domains: ['gmail.com', 'yahoo.com', 'outlook.com', 'icloud.com', 'hotmail.com', 'aol.com'],
    cities: [
      ['San Francisco', 'CA', '941', '415'], ['New York', 'NY', '100', '212'], ['Austin', 'TX', '787', '512'],
      ['Chicago', 'IL', '606', '312'], ['Seattle', 'WA', '981', '206'], ['Boston', 'MA', '021', '617'],
      ['Denver', 'CO', '802', '303'], ['Atlanta', 'GA', '303', '404'], ['Portland', 'OR', '972', '503'],
    ].map(([city, state, zip3, area]) => ({ city, state, postcode: (r) => zip3 + digits(r, 2), area })),
    streets: ['Market St', 'Main St', 'Oak Ave', 'Maple Dr', 'Broadway', 'Pine St', 'Cedar Ln', 'Elm St', 'Washington Blvd', 'Lake Shore Dr', 'Valencia St', 'Congress Ave'],
    line1: (r, street) => `${int(r, 1, 9999)} ${street}`,
    line2: (r) => pick(r, [`Apt ${int(r, 1, 40)}${pick(r, ['A', 'B', 'C', ''])}`, `Suite ${int(r, 100, 2400)}`, `Unit ${int(r, 1, 300)}`]),
    phone: (r, city) => `+1${city.area}${int(r, 2, 9)}${digits(r, 2)}${digits(r, 4)}`,
  },
  {
    code: 'GB', weight: 12, names: 'en', locale: 'en-GB', currency: 'gbp',
    domains: ['gmail.com', 'hotmail.co.uk', 'btinternet.com', 'outlook.com', 'yahoo.co.uk', 'icloud.com'],
    cities: [
      ['London', null, ['SW1A', 'EC1V', 'N1', 'SE1', 'W2', 'E14', 'NW3']], ['Manchester', null, ['M1', 'M4', 'M14', 'M20']],
      ['Edinburgh', null, ['EH1', 'EH3', 'EH8']], ['Bristol', null, ['BS1', 'BS6', 'BS8']], ['Leeds', null, ['LS1', 'LS6', 'LS11']],
      ['Birmingham', null, ['B1', 'B5', 'B15']],
    ].map(([city, state, outward]) => ({
      city, state,
      postcode: (r) => `${pick(r, outward)} ${int(r, 1, 9)}${pick(r, 'ABDEFGHJLNPQRSTUWXYZ')}${pick(r, 'ABDEFGHJLNPQRSTUWXYZ')}`,
    })),
    streets: ['High Street', 'Station Road', 'Church Lane', 'Victoria Road', 'Green Lane', 'Manor Road', 'Park Avenue', 'Queen Street', 'King Street', 'Mill Lane'],
    line1: (r, street) => `${int(r, 1, 240)} ${street}`,
    line2: (r) => `Flat ${int(r, 1, 30)}`,
    phone: (r) => `+447${pick(r, '458')}${digits(r, 8)}`,
  },
  {
    code: 'DE', weight: 14, names: 'de', locale: 'de-DE', currency: 'eur',
    domains: ['web.de', 'gmx.de', 'gmail.com', 't-online.de', 'gmx.net', 'posteo.de'],
    cities: [
      ['Berlin', 'BE', 10115, 14199], ['München', 'BY', 80331, 81929], ['Hamburg', 'HH', 20095, 22769],
      ['Köln', 'NW', 50667, 51149], ['Frankfurt am Main', 'HE', 60306, 60599], ['Stuttgart', 'BW', 70173, 70629],
      ['Leipzig', 'SN', 4103, 4357],
    ].map(([city, state, lo, hi]) => ({ city, state, postcode: (r) => String(int(r, lo, hi)).padStart(5, '0') })),
    streets: ['Hauptstraße', 'Schulstraße', 'Gartenstraße', 'Bahnhofstraße', 'Dorfstraße', 'Bergstraße', 'Lindenstraße', 'Friedrichstraße', 'Kastanienallee', 'Schönhauser Allee', 'Goethestraße', 'Am Markt'],
    line1: (r, street) => `${street} ${int(r, 1, 180)}${pick(r, ['', '', '', 'a', 'b'])}`,
    line2: (r) => pick(r, [`${int(r, 1, 5)}. OG`, `Hinterhaus`, `c/o ${pick(r, ['Schmidt', 'Becker', 'Wagner'])}`]),
    phone: (r) => `+491${pick(r, ['51', '52', '57', '60', '62', '70', '71', '72', '76', '79'])}${digits(r, 8)}`,
  },
  {
    code: 'FR', weight: 10, names: 'fr', locale: 'fr-FR', currency: 'eur',
    domains: ['orange.fr', 'gmail.com', 'free.fr', 'laposte.net', 'sfr.fr', 'hotmail.fr'],
    cities: [
      ['Paris', null, (r) => `750${String(int(r, 1, 20)).padStart(2, '0')}`], ['Lyon', null, (r) => `6900${int(r, 1, 9)}`],
      ['Marseille', null, (r) => `130${String(int(r, 1, 16)).padStart(2, '0')}`], ['Toulouse', null, (r) => `310${pick(r, ['00', '20', '30', '40', '50'])}`],
      ['Bordeaux', null, () => '33000'], ['Nantes', null, (r) => `4400${int(r, 0, 3)}`], ['Lille', null, () => '59000'],
    ].map(([city, state, postcode]) => ({ city, state, postcode })),
    streets: ['rue de la Paix', 'avenue des Champs-Élysées', 'rue du Faubourg Saint-Honoré', 'boulevard Voltaire', 'rue de Rivoli', 'rue Nationale', 'place Bellecour', 'rue Sainte-Catherine', 'quai des Chartrons', 'rue de la République'],
    line1: (r, street) => `${int(r, 1, 150)}${pick(r, ['', '', '', ' bis'])} ${street}`,
    line2: (r) => pick(r, [`Bâtiment ${pick(r, 'ABC')}`, `Appartement ${int(r, 1, 60)}`, `${int(r, 1, 7)}e étage`]),
    phone: (r) => `+33${int(r, 6, 7)}${digits(r, 8)}`,
  },
  {
    code: 'ES', weight: 7, names: 'es', locale: 'es-ES', currency: 'eur',
    domains: ['gmail.com', 'hotmail.es', 'yahoo.es', 'outlook.es', 'telefonica.net'],
    cities: [
      ['Madrid', 'M', 28001, 28055], ['Barcelona', 'B', 8001, 8042], ['Valencia', 'V', 46001, 46026],
      ['Sevilla', 'SE', 41001, 41020], ['Bilbao', 'BI', 48001, 48015], ['Málaga', 'MA', 29001, 29018],
    ].map(([city, state, lo, hi]) => ({ city, state, postcode: (r) => String(int(r, lo, hi)).padStart(5, '0') })),
    streets: ['Calle Mayor', 'Gran Vía', 'Calle de Alcalá', 'Paseo de Gracia', 'Avenida de la Constitución', 'Calle Real', 'Plaza de España', 'Calle de Serrano', 'Rambla de Catalunya', 'Calle Larios'],
    line1: (r, street) => `${street}, ${int(r, 1, 120)}`,
    line2: (r) => `${int(r, 1, 9)}º ${pick(r, ['A', 'B', 'C', 'D', 'izq.', 'dcha.'])}`,
    phone: (r) => `+346${digits(r, 8)}`,
  },
  {
    code: 'JP', weight: 8, names: 'ja', locale: 'ja-JP', currency: 'jpy',
    domains: ['gmail.com', 'yahoo.co.jp', 'docomo.ne.jp', 'icloud.com', 'ezweb.ne.jp'],
    cities: [
      ['渋谷区', '東京都', '150'], ['千代田区', '東京都', '100'], ['大阪市北区', '大阪府', '530'], ['京都市中京区', '京都府', '604'],
      ['横浜市西区', '神奈川県', '220'], ['名古屋市中区', '愛知県', '460'], ['福岡市中央区', '福岡県', '810'],
    ].map(([city, state, p3]) => ({ city, state, postcode: (r) => `${p3}-${digits(r, 4)}` })),
    streets: ['神南', '丸の内', '梅田', '烏丸通', 'みなとみらい', '栄', '天神', '道玄坂', '大手町', '錦'],
    line1: (r, street) => `${street}${int(r, 1, 6)}-${int(r, 1, 20)}-${int(r, 1, 30)}`,
    line2: (r) => `${pick(r, ['サンハイツ', 'グランドメゾン', 'パークコート', 'ライオンズマンション'])}${int(r, 1, 12)}0${int(r, 1, 9)}号室`,
    phone: (r) => `+81${pick(r, ['70', '80', '90'])}${digits(r, 8)}`,
  },
  {
    code: 'BR', weight: 8, names: 'pt', locale: 'pt-BR', currency: 'brl',
    domains: ['gmail.com', 'hotmail.com', 'uol.com.br', 'bol.com.br', 'outlook.com', 'terra.com.br'],
    cities: [
      ['São Paulo', 'SP', '0', '11'], ['Rio de Janeiro', 'RJ', '2', '21'], ['Belo Horizonte', 'MG', '3', '31'],
      ['Curitiba', 'PR', '8', '41'], ['Porto Alegre', 'RS', '9', '51'], ['Salvador', 'BA', '4', '71'],
    ].map(([city, state, p1, area]) => ({ city, state, area, postcode: (r) => `${p1}${digits(r, 4)}-${digits(r, 3)}` })),
    streets: ['Rua Augusta', 'Avenida Paulista', 'Rua das Flores', 'Avenida Atlântica', 'Rua XV de Novembro', 'Rua da Consolação', 'Avenida Brasil', 'Rua Oscar Freire', 'Avenida Afonso Pena', 'Rua dos Andradas'],
    line1: (r, street) => `${street}, ${int(r, 1, 3000)}`,
    line2: (r) => pick(r, [`Apto ${int(r, 1, 25)}${int(r, 0, 4)}`, `Casa ${int(r, 1, 9)}`, `Sala ${int(r, 100, 1900)}`, `Bloco ${pick(r, 'ABC')}`]),
    phone: (r, city) => `+55${city.area}9${int(r, 6, 9)}${digits(r, 7)}`,
  },
  {
    code: 'AU', weight: 6, names: 'en', locale: 'en-AU', currency: 'aud',
    domains: ['gmail.com', 'bigpond.com', 'outlook.com', 'optusnet.com.au', 'icloud.com'],
    cities: [
      ['Sydney', 'NSW', 2000, 2234], ['Melbourne', 'VIC', 3000, 3207], ['Brisbane', 'QLD', 4000, 4179],
      ['Perth', 'WA', 6000, 6199], ['Adelaide', 'SA', 5000, 5173], ['Hobart', 'TAS', 7000, 7055],
    ].map(([city, state, lo, hi]) => ({ city, state, postcode: (r) => String(int(r, lo, hi)) })),
    streets: ['George Street', 'Collins Street', 'Queen Street', 'Hay Street', 'Rundle Mall', 'Pitt Street', 'Bourke Street', 'Chapel Street', 'Oxford Street', 'Elizabeth Street'],
    line1: (r, street) => `${int(r, 1, 400)} ${street}`,
    line2: (r) => `Unit ${int(r, 1, 80)}`,
    phone: (r) => `+614${pick(r, '0123')}${digits(r, 7)}`,
  },
  {
    code: 'NL', weight: 5, names: 'nl', locale: 'nl-NL', currency: 'eur',
    domains: ['gmail.com', 'ziggo.nl', 'kpnmail.nl', 'hotmail.nl', 'outlook.com'],
    cities: [
      ['Amsterdam', 'NH', 1011, 1109], ['Rotterdam', 'ZH', 3011, 3089], ['Utrecht', 'UT', 3511, 3585], ['Den Haag', 'ZH', 2511, 2597], ['Eindhoven', 'NB', 5611, 5658],
    ].map(([city, state, lo, hi]) => ({ city, state, postcode: (r) => `${int(r, lo, hi)} ${pick(r, 'ABCDEGHJKLMNPRSTVWXZ')}${pick(r, 'ABCDEGHJKLMNPRSTVWXZ')}` })),
    streets: ['Prinsengracht', 'Keizersgracht', 'Herengracht', 'Kalverstraat', 'Coolsingel', 'Oudegracht', 'Lange Voorhout', 'Stratumseind', 'Damrak', 'Witte de Withstraat'],
    line1: (r, street) => `${street} ${int(r, 1, 400)}`,
    line2: (r) => pick(r, ['huis', '1 hoog', '2 hoog', '3 hoog', 'bis']),
    phone: (r) => `+316${digits(r, 8)}`,
  },
];

const COUNTRY_WEIGHT = COUNTRIES.reduce((sum, c) => sum + c.weight, 0);

function pickCountry(rng) {
  let x = rng() * COUNTRY_WEIGHT;
  for (const c of COUNTRIES) {
    x -= c.weight;
    if (x < 0) return c;
  }
  return COUNTRIES[0];
}

const COMPANY_WORDS = ['Acme', 'Northwind', 'Globex', 'Initech', 'Umbrella', 'Stark', 'Wayne', 'Blue Harbor', 'Lumen', 'Pioneer', 'Atlas', 'Brightline', 'Evergreen', 'Kestrel', 'Meridian', 'Nimbus', 'Orchard', 'Quarry', 'Redwood', 'Summit'];
const COMPANY_KINDS = { US: ['Inc.', 'LLC', 'Corp.'], GB: ['Ltd', 'PLC', 'LLP'], DE: ['GmbH', 'AG', 'UG'], FR: ['SAS', 'SARL', 'SA'], ES: ['S.L.', 'S.A.'], JP: ['株式会社', '合同会社'], BR: ['Ltda.', 'S.A.'], AU: ['Pty Ltd'], NL: ['B.V.', 'N.V.'] };
const COMPANY_DOMAINS = ['example.com', 'example.org', 'example.net'];

const TIERS = ['free', 'free', 'starter', 'starter', 'pro', 'pro', 'business', 'enterprise'];
const SEGMENTS = ['consumer', 'smb', 'mid_market', 'enterprise'];
const SOURCES = ['web', 'ios', 'android', 'partner', 'sales', 'referral'];
const MANAGERS = ['a.khan', 'j.doe', 'm.rossi', 'l.chen', 's.okafor', 'p.novak'];
const DESCRIPTIONS = ['Migrated from legacy billing', 'VIP support', 'Annual contract', 'Pays by invoice', 'Trial converted', 'Reseller account'];
const NOTES = ['Prefers email contact.', 'Asked for a refund in March; resolved.', 'Chargeback history: none.', 'Verify address before shipping.'];

function localPart(rng, first, last, index) {
  const f = ascii(first) || 'customer';
  const l = ascii(last) || 'user';
  const n = index.toString(36);
  switch (int(rng, 0, 4)) {
    case 0: return `${f}.${l}.${n}`;
    case 1: return `${f}${l}${n}`;
    case 2: return `${f[0]}${l}+${n}`;
    case 3: return `${f}_${n}`;
    default: return `${l}.${f}${n}`;
  }
}

/** Bijective scramble of the index into 36^7 codes: unique per dataset, random-looking. */
function invoicePrefix(index) {
  const space = 78364164096; // 36^7
  let x = (index * 2654435761 + 12345678) % space; // 2654435761 is odd and not a multiple of 3: coprime with 36^7
  let s = '';
  for (let k = 0; k < 7; k++) {
    s = BASE36[x % 36] + s;
    x = Math.floor(x / 36);
  }
  return `B${s}`;
}

function customerId(rng) {
  let id = 'cus_';
  for (let k = 0; k < 24; k++) id += BASE62[Math.floor(rng() * 62)];
  return id;
}

/** Creation time of customer `index` of `size`: linear growth over two years, non-decreasing in index. */
export function createdAt(index, size) {
  return Math.floor(END - SPAN + SPAN * Math.sqrt((index + 0.5) / size));
}

/** The id of customer `index`: the first numbers of its stream, so it needs no other field. */
export function customerIdAt(index, seed = DEFAULT_SEED) {
  return customerId(rngFor(seed, index));
}

export function externalIdAt(index) {
  return `ext_${index + 1}`;
}

function makeAddress(rng, country) {
  const city = pick(rng, country.cities);
  return {
    city,
    address: {
      line1: country.line1(rng, pick(rng, country.streets)),
      line2: chance(rng, 0.3) ? country.line2(rng) : null,
      city: city.city,
      state: city.state,
      postal_code: city.postcode(rng),
      country: country.code,
    },
  };
}

/** Picks from [value, weight] pairs. */
function weighted(rng, pairs) {
  let x = rng() * pairs.reduce((sum, [, w]) => sum + w, 0);
  for (const [value, w] of pairs) {
    x -= w;
    if (x < 0) return value;
  }
  return pairs[0][0];
}

/**
 * The id of the `k`-th object (k < 8) of one kind of customer `index`: from a stream of its
 * own whose seed is a bijection of (index, k), as a customer's id is of its index, so no two
 * ids of a kind can collide (draws from one shared stream could: mulberry32's streams are
 * shifted copies of one another).
 */
function objectId(prefix, salt, seed, index, k) {
  const rng = mulberry32(mix32(((index * 8 + k) ^ mix32((seed ^ salt) >>> 0)) >>> 0));
  let id = `${prefix}_`;
  for (let n = 0; n < 24; n++) id += BASE62[Math.floor(rng() * 62)];
  return id;
}

/**
 * The dataset's one tree: the customer at a quarter of the range heads up to 1,000 descendants
 * (a tenth of the dataset when smaller), numbered breadth-first after it with ten children
 * each, so four levels; `leaf` is the last of them. Every other customer is a root.
 */
export function treeOf(size) {
  const descendants = Math.min(1000, Math.floor(size / 10));
  const root = Math.floor(size / 4);
  return { root, descendants, leaf: root + descendants };
}

function parentIndexOf(index, size) {
  const { root, descendants } = treeOf(size);
  const k = index - root;
  if (k < 1 || k > descendants) return null;
  return root + Math.floor((k - 1) / 10);
}

/** The indexes of a customer's ancestors, nearest first. */
export function ancestorIndexesOf(index, size) {
  const out = [];
  for (let p = parentIndexOf(index, size); p !== null; p = parentIndexOf(p, size)) out.push(p);
  return out;
}

const INVOICE_STATUSES = [['paid', 62], ['open', 20], ['draft', 8], ['void', 6], ['uncollectible', 4]];
/** Far beyond any run's clock: an open invoice due then is not past due. */
const FAR_DUE = Date.UTC(2031, 0, 1) / 1000;

/** What a customer's invoice is (its own stream): the customer's next number and delinquency follow from it. */
function invoiceFacts(index, size, seed) {
  const rng = rngFor((seed ^ 0x1b873593) >>> 0, index);
  const status = weighted(rng, INVOICE_STATUSES);
  const created = Math.min(END, createdAt(index, size) + int(rng, 0, 300) * 86400);
  const dueDate = status === 'draft' || chance(rng, 0.5) ? null : chance(rng, 0.5) ? created + int(rng, 14, 60) * 86400 : FAR_DUE + int(rng, 0, 1e6);
  return { rng, status, created, dueDate, finalized: status !== 'draft' };
}

/**
 * Customer `index` (0 = oldest) of a dataset of `size`, as the domain record the store keeps
 * (CustomerRecord in src/domain/customers/customer.ts, less the account-specific key ids).
 */
export function customerAt(index, size, seed = DEFAULT_SEED) {
  const rng = rngFor(seed, index);
  const id = customerId(rng);
  const country = pickCountry(rng);
  const names = NAMES[country.names];
  const firstRaw = pick(rng, names.first);
  const lastRaw = pick(rng, names.last);
  const [first, firstAscii] = Array.isArray(firstRaw) ? firstRaw : [firstRaw, firstRaw];
  const [last, lastAscii] = Array.isArray(lastRaw) ? lastRaw : [lastRaw, lastRaw];
  const japanese = country.code === 'JP';
  const name = japanese ? `${last} ${first}` : `${first} ${last}`;
  const business = chance(rng, 0.2);
  const businessName = business
    ? japanese
      ? `${pick(rng, COMPANY_KINDS.JP)}${pick(rng, COMPANY_WORDS)}`
      : `${pick(rng, COMPANY_WORDS)} ${pick(rng, ['Labs', 'Studio', 'Trading', 'Logistics', 'Foods', 'Design', 'Health', 'Systems'])} ${pick(rng, COMPANY_KINDS[country.code])}`
    : null;
  const domain = business ? `${ascii(businessName.split(' ')[0]) || 'company'}.${pick(rng, COMPANY_DOMAINS)}` : pick(rng, country.domains);
  const email = `${localPart(rng, firstAscii, lastAscii, index)}@${domain}`;
  const { city, address } = makeAddress(rng, country);
  const phone = chance(rng, 0.75) ? country.phone(rng, city) : null;
  const created = createdAt(index, size);
  const touched = chance(rng, 0.35);
  const updated = touched ? Math.min(END, created + int(rng, 60, 200 * 24 * 3600)) : created;

  const metadata = { tier: pick(rng, TIERS) };
  metadata.crm_id = chance(rng, 0.5) ? `00Q${digits(rng, 4)}${BASE62[int(rng, 10, 61)]}${digits(rng, 8)}` : `hs_${digits(rng, 9)}`;
  const extras = int(rng, 0, 3);
  const optional = [
    ['segment', () => (business ? pick(rng, SEGMENTS.slice(1)) : 'consumer')],
    ['signup_source', () => pick(rng, SOURCES)],
    ['account_manager', () => pick(rng, MANAGERS)],
    ['plan_interval', () => pick(rng, ['month', 'year'])],
    ['referral_code', () => `REF-${digits(rng, 6)}`],
  ];
  for (let k = 0; k < extras; k++) {
    const [key, value] = optional.splice(Math.floor(rng() * optional.length), 1)[0];
    metadata[key] = value();
  }

  let shipping = null;
  if (chance(rng, 0.4)) {
    shipping = chance(rng, 0.7)
      ? { address: { ...address }, name, phone }
      : { address: makeAddress(rng, country).address, name: business ? businessName : name, phone: null };
  }
  const eu = ['DE', 'FR', 'ES', 'NL'].includes(country.code);
  const reverse = business && eu && chance(rng, 0.5);
  const withNames = chance(rng, 0.6);
  const invoice = invoiceFacts(index, size, seed);
  const parent = parentIndexOf(index, size);

  return {
    id,
    index,
    created,
    updated,
    version: touched ? int(rng, 2, 6) : 1,
    external_id: externalIdAt(index),
    email,
    email_key: email.toLowerCase(),
    name,
    business_name: businessName,
    individual_name: null,
    first_name: withNames ? first : null,
    last_name: withNames ? last : null,
    phone,
    description: chance(rng, 0.1) ? pick(rng, DESCRIPTIONS) : null,
    notes: chance(rng, 0.05) ? pick(rng, NOTES) : null,
    address,
    shipping,
    balance: chance(rng, 0.08) ? -int(rng, 1, 500) * 100 : 0,
    currency: chance(rng, 0.7) ? country.currency : null,
    invoice_prefix: invoicePrefix(index),
    invoice_settings: {
      custom_fields: reverse ? [{ name: 'VAT', value: `${country.code}${digits(rng, 9)}` }] : null,
      default_payment_method: null,
      footer: business && chance(rng, 0.2) ? 'Thank you for your business.' : null,
      rendering_options: null,
    },
    // Its invoice, once finalized, took the sequence it had then.
    next_invoice_sequence: (touched ? int(rng, 1, 40) : 1) + (invoice.finalized ? 1 : 0),
    preferred_locales: chance(rng, 0.6) ? [country.locale] : [],
    tax_exempt: reverse ? 'reverse' : business && chance(rng, 0.03) ? 'exempt' : 'none',
    metadata,
    parent_id: parent === null ? null : customerIdAt(parent, seed),
    // Delinquent after its open invoice's due date, or at once with an uncollectible one (SPEC S-2).
    delinquent_after: invoice.status === 'uncollectible' ? 0 : invoice.status === 'open' ? invoice.dueDate : null,
  };
}

const CHARGE_STATUSES = [['succeeded', 85], ['pending', 7], ['failed', 8]];
const OTHER_CURRENCIES = ['usd', 'eur', 'gbp', 'jpy'];
const CHARGE_DESCRIPTIONS = ['Subscription', 'Renewal', 'One-off purchase', 'Top-up', 'Upgrade'];
const LINE_DESCRIPTIONS = ['Seats', 'Usage', 'Support plan', 'Setup fee', 'Storage'];

/**
 * The payment history of customer `c` (customerAt's record): its charges (with their refunds)
 * and its invoice, as the domain records the store keeps (ChargeRecord, RefundRecord,
 * InvoiceRecord), ids and all, from streams of their own.
 */
export function activityAt(c, size, seed = DEFAULT_SEED) {
  const rng = rngFor((seed ^ 0x5f3759df) >>> 0, c.index);
  const home = c.currency ?? 'usd';
  const charges = [];
  const refunds = [];
  const count = int(rng, 1, 5);
  for (let k = 0; k < count; k++) {
    const id = objectId('ch', 0x68e31da4, seed, c.index, k);
    const currency = chance(rng, 0.8) ? home : pick(rng, OTHER_CURRENCIES);
    const amount = currency === 'jpy' ? int(rng, 100, 60_000) : int(rng, 100, 50_000);
    const status = weighted(rng, CHARGE_STATUSES);
    const created = Math.min(END, c.created + int(rng, 0, 400) * 86400);
    const refunded = status === 'succeeded' && chance(rng, 0.1) ? int(rng, 1, amount) : 0;
    charges.push({
      id,
      livemode: false,
      created,
      updated: created,
      version: refunded ? 2 : 1,
      customer_id: c.id,
      amount,
      currency,
      payment_method_id: null,
      status,
      amount_refunded: refunded,
      description: pick(rng, CHARGE_DESCRIPTIONS),
      receipt_email: chance(rng, 0.5) ? c.email : null,
      billing_details: { address: c.address, email: c.email, name: c.name, phone: null },
      failure_code: status === 'failed' ? 'card_declined' : null,
      failure_message: status === 'failed' ? 'Your card was declined.' : null,
      statement_descriptor: null,
      metadata: { order: `o_${c.index}_${k}` },
      provider: chance(rng, 0.8) ? { name: 'stripe', reference: `ch_bench_${c.index}_${k}` } : null,
      occurred_at: created - int(rng, 0, 3600),
      invoice_id: null,
    });
    if (refunded) {
      refunds.push({
        id: objectId('re', 0x1b56c4e9, seed, c.index, k),
        livemode: false,
        created,
        updated: created,
        version: 1,
        charge_id: id,
        customer_id: c.id,
        amount: refunded,
        currency,
        reason: 'requested_by_customer',
        metadata: {},
      });
    }
  }
  const facts = invoiceFacts(c.index, size, seed);
  const r = facts.rng;
  const invoiceId = objectId('in', 0x7a2f3b11, seed, c.index, 0);
  const lines = Array.from({ length: int(r, 1, 3) }, (_, k) => {
    const quantity = int(r, 1, 5);
    const unitAmount = int(r, 500, 20_000);
    return { id: objectId('il', 0x3c6ef372, seed, c.index, k), description: pick(r, LINE_DESCRIPTIONS), quantity, unit_amount: unitAmount, amount: quantity * unitAmount };
  });
  const total = lines.reduce((sum, line) => sum + line.amount, 0);
  const { status, created, finalized } = facts;
  const finalizedAt = finalized ? created + 86400 : null;
  const invoice = {
    id: invoiceId,
    livemode: false,
    created,
    updated: finalizedAt ?? created,
    version: finalized ? 2 : 1,
    customer_id: c.id,
    currency: home,
    status,
    number: finalized ? `${c.invoice_prefix}-${String(c.next_invoice_sequence - 1).padStart(4, '0')}` : null,
    description: null,
    due_date: facts.dueDate,
    lines,
    total,
    amount_paid: status === 'paid' ? total : 0,
    charge_id: null,
    paid_out_of_band: status === 'paid',
    customer_email: finalized ? c.email : null,
    customer_name: finalized ? c.name : null,
    customer_address: finalized ? c.address : null,
    finalized_at: finalizedAt,
    paid_at: status === 'paid' ? finalizedAt + 3600 : null,
    voided_at: status === 'void' ? finalizedAt + 7200 : null,
    marked_uncollectible_at: status === 'uncollectible' ? finalizedAt + 7200 : null,
    metadata: {},
  };
  return { charges, refunds, invoice };
}

/**
 * Customer `c`'s own stats as the API shows them (SPEC S-2), from its activity: what the run
 * checks the seeded counters against.
 */
export function statsOfActivity(activities) {
  const out = { invoice_count: 0, charge_count: 0, total_spent: {}, open_invoice_amount: {} };
  for (const { charges, invoice } of activities) {
    for (const ch of charges) {
      out.charge_count++;
      if (ch.status === 'succeeded') out.total_spent[ch.currency] = (out.total_spent[ch.currency] ?? 0) + ch.amount - ch.amount_refunded;
    }
    out.invoice_count++;
    if (invoice.status === 'open') out.open_invoice_amount[invoice.currency] = (out.open_invoice_amount[invoice.currency] ?? 0) + invoice.total;
  }
  const nonZero = (m) => Object.fromEntries(Object.entries(m).filter(([, v]) => v !== 0).sort(([a], [b]) => (a < b ? -1 : 1)));
  return { ...out, total_spent: nonZero(out.total_spent), open_invoice_amount: nonZero(out.open_invoice_amount) };
}

/**
 * Form bodies for create requests, from customers beyond the seeded ones. `{n}` in the
 * email and external_id is replaced per request by a unique tag (the load generator's counter).
 */
export function createBodies(count, seed = DEFAULT_SEED) {
  const bodies = [];
  for (let k = 0; k < count; k++) {
    const c = customerAt(10_000_000 + k, 10_000_000 + count, seed);
    const params = [
      ['email', c.email.replace('@', '.{n}@')],
      ['name', c.name],
      ['external_id', 'bench_{n}'],
      ['address[line1]', c.address.line1],
      ['address[city]', c.address.city],
      ['address[postal_code]', c.address.postal_code],
      ['address[country]', c.address.country],
    ];
    if (c.address.state) params.push(['address[state]', c.address.state]);
    if (c.phone) params.push(['phone', c.phone]);
    if (c.preferred_locales.length) params.push(['preferred_locales[0]', c.preferred_locales[0]]);
    for (const [key, value] of Object.entries(c.metadata)) params.push([`metadata[${key}]`, value]);
    bodies.push(params.map(([k2, v]) => `${encodeURIComponent(k2)}=${encodeURIComponent(v).replace('%7Bn%7D', '{n}')}`).join('&'));
  }
  return bodies;
}

// ---------------------------------------------------------------------------------------------
// Contacts and the address book (SPEC K-1). Each customer's come from a stream of their own, so
// adding them changed no customer field; customer i's depend only on (seed, i) too.

const CONTACT_ROLES = ['billing', 'technical', 'primary', 'legal', 'other'];

function ownedRng(seed, index, salt) {
  return mulberry32(mix32((index ^ mix32(seed ^ salt)) >>> 0));
}

function countryOf(customer) {
  const country = COUNTRIES.find((c) => c.code === customer.address.country);
  return { country, city: country.cities.find((c) => c.city === customer.address.city) ?? country.cities[0] };
}

/**
 * The contacts of `customer` (customerAt(index, …)): 0–4, two on average, as the store keeps
 * them (ContactRecord in src/domain/contacts/contact.ts). Their emails are at the customer's own
 * domain and unique across the dataset (the customer's index and the contact's number are in
 * the local part); 60% have a phone of the customer's country, in E.164 as the service stores it.
 */
export function contactsAt(index, customer, seed = DEFAULT_SEED) {
  const rng = ownedRng(seed, index, 0x0c0417ac);
  const { country, city } = countryOf(customer);
  const names = NAMES[country.names];
  const domain = customer.email.slice(customer.email.indexOf('@') + 1);
  const count = int(rng, 0, 4);
  const contacts = [];
  for (let k = 0; k < count; k++) {
    // objectId, not the contact's own stream: streams of different customers can overlap.
    const id = objectId('ctc', 0x0c0417ad, seed, index, k);
    const firstRaw = pick(rng, names.first);
    const lastRaw = pick(rng, names.last);
    const [first, firstAscii] = Array.isArray(firstRaw) ? firstRaw : [firstRaw, firstRaw];
    const [last, lastAscii] = Array.isArray(lastRaw) ? lastRaw : [lastRaw, lastRaw];
    const email = `${ascii(firstAscii) || 'contact'}.${ascii(lastAscii) || 'person'}.c${index.toString(36)}${k}@${domain}`;
    const phone = chance(rng, 0.6) ? country.phone(rng, city) : null;
    const roles = CONTACT_ROLES.filter((role, r) => r === k % CONTACT_ROLES.length || chance(rng, 0.15));
    contacts.push({
      id,
      created: customer.created,
      updated: customer.created,
      version: 1,
      name: country.code === 'JP' ? `${last} ${first}` : `${first} ${last}`,
      email,
      email_key: email.toLowerCase(),
      phone,
      phone_e164: phone,
      roles,
      receives_invoices: roles.includes('billing'),
      notes: null,
      metadata: {},
    });
  }
  return contacts;
}

/**
 * The address book of `customer`, in step with it as the service keeps it: its address as the
 * billing default; its shipping, when it has one, as the shipping default — the same entry when
 * the shipping is that address with the customer's name and phone, else a second entry.
 */
export function addressesAt(index, customer, seed = DEFAULT_SEED) {
  // Ids from objectId (streams of different customers can overlap); the rest is the customer's.
  let made = 0;
  const s = customer.shipping;
  const sameEntry = s !== null && JSON.stringify(s.address) === JSON.stringify(customer.address);
  const entry = (label, address, name, phone, billing, shipping) => ({
    id: objectId('addr', 0x0add7e55, seed, index, made++),
    created: customer.created,
    updated: customer.created,
    version: 1,
    label,
    name,
    phone,
    address: { ...address },
    default_billing: billing,
    default_shipping: shipping,
    metadata: {},
  });
  const head = customer.business_name ? 'Head office' : 'Home';
  const entries = [
    sameEntry ? entry(head, customer.address, s.name, s.phone, true, true) : entry(head, customer.address, customer.name, customer.phone, true, false),
  ];
  if (s !== null && !sameEntry) entries.push(entry('Deliveries', s.address, s.name, s.phone, false, true));
  return entries;
}
