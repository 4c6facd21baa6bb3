// TradeSeal passport pages (docs/spec/passport.md): the page in the reader's language,
// and on a serial's page the label's own check, in this browser: the label's address
// (?k=…&b=…&s=…, qr.md §1) verified with WebCrypto Ed25519 against the key this site
// publishes. Nothing is fetched.
"use strict";

const TEXT = {
  en: { seenBefore: "This label was scanned before at:", passport: "Product passport", lot: "Lot", serial: "Serial", labelCheck: "The label", checking: "Checking the label's signature…", genuine: "Genuine label of {issuer}.", genuineWhy: "Its signature holds with the key of {issuer} (its fingerprint is on this page), for this product, lot and serial.", forged: "This label was not issued by {issuer}.", forgedWhy: "Its signature does not hold for this product, lot and serial: the code was copied, changed or made by someone else.", unsigned: "This address carries no label signature: scan the code on the label itself.", unsupported: "This browser cannot check Ed25519 signatures: open the page in an up-to-date browser, or check the label with TradeSeal.", otherKey: "This label names another key than the one of {issuer}.", otherBatch: "This serial was not issued in the batch the label names.", origins: "Where it comes from", noOrigins: "No place of origin recorded.", journey: "How it travelled", certifications: "Certifications", noCertifications: "None recorded in the chain's events.", issuer: "Published by", fingerprint: "Key fingerprint", download: "Download the signed chain (TradeSeal bundle)", bundleHint: "Every event of this lot's chain with its signatures and ledger proofs: TradeSeal checks it offline.", bundleWithheld: "The signed chain is not published here: ask the brand for it.", language: "Language", footer: "Published with TradeSeal. This page loads nothing from elsewhere." },
  es: { seenBefore: "Esta etiqueta ya se escaneó en:", passport: "Pasaporte del producto", lot: "Lote", serial: "Serie", labelCheck: "La etiqueta", checking: "Comprobando la firma de la etiqueta…", genuine: "Etiqueta auténtica de {issuer}.", genuineWhy: "Su firma es válida con la clave de {issuer} (huella en esta página), para este producto, lote y número de serie.", forged: "Esta etiqueta no fue emitida por {issuer}.", forgedWhy: "Su firma no es válida para este producto, lote y número de serie: el código fue copiado, modificado o hecho por otra persona.", unsigned: "Esta dirección no lleva la firma de una etiqueta: escanee el código de la propia etiqueta.", unsupported: "Este navegador no puede comprobar firmas Ed25519: abra la página en un navegador actualizado o compruebe la etiqueta con TradeSeal.", otherKey: "Esta etiqueta nombra otra clave que la de {issuer}.", otherBatch: "Este número de serie no se emitió en el lote de emisión que nombra la etiqueta.", origins: "De dónde viene", noOrigins: "No hay lugar de origen registrado.", journey: "Cómo viajó", certifications: "Certificaciones", noCertifications: "Ninguna registrada en los eventos de la cadena.", issuer: "Publicado por", fingerprint: "Huella de la clave", download: "Descargar la cadena firmada (paquete TradeSeal)", bundleHint: "Cada evento de la cadena de este lote con sus firmas y pruebas del registro: TradeSeal lo comprueba sin conexión.", bundleWithheld: "La cadena firmada no se publica aquí: pídasela a la marca.", language: "Idioma", footer: "Publicado con TradeSeal. Esta página no carga nada de otro sitio." },
  pt: { seenBefore: "Esta etiqueta já foi lida em:", passport: "Passaporte do produto", lot: "Lote", serial: "Série", labelCheck: "A etiqueta", checking: "A verificar a assinatura da etiqueta…", genuine: "Etiqueta autêntica de {issuer}.", genuineWhy: "A sua assinatura é válida com a chave de {issuer} (impressão digital nesta página), para este produto, lote e número de série.", forged: "Esta etiqueta não foi emitida por {issuer}.", forgedWhy: "A sua assinatura não é válida para este produto, lote e número de série: o código foi copiado, alterado ou feito por outra pessoa.", unsigned: "Este endereço não traz a assinatura de uma etiqueta: leia o código da própria etiqueta.", unsupported: "Este navegador não consegue verificar assinaturas Ed25519: abra a página num navegador atualizado ou verifique a etiqueta com o TradeSeal.", otherKey: "Esta etiqueta indica outra chave que não a de {issuer}.", otherBatch: "Este número de série não foi emitido no lote de emissão que a etiqueta indica.", origins: "De onde vem", noOrigins: "Nenhum local de origem registado.", journey: "Como viajou", certifications: "Certificações", noCertifications: "Nenhuma registada nos eventos da cadeia.", issuer: "Publicado por", fingerprint: "Impressão digital da chave", download: "Descarregar a cadeia assinada (pacote TradeSeal)", bundleHint: "Cada evento da cadeia deste lote com as suas assinaturas e provas do registo: o TradeSeal verifica-o sem ligação.", bundleWithheld: "A cadeia assinada não é publicada aqui: peça-a à marca.", language: "Idioma", footer: "Publicado com o TradeSeal. Esta página não carrega nada de outro sítio." },
  fr: { seenBefore: "Cette étiquette a déjà été scannée à :", passport: "Passeport du produit", lot: "Lot", serial: "Numéro de série", labelCheck: "L'étiquette", checking: "Vérification de la signature de l'étiquette…", genuine: "Étiquette authentique de {issuer}.", genuineWhy: "Sa signature est valide avec la clé de {issuer} (empreinte sur cette page), pour ce produit, ce lot et ce numéro de série.", forged: "Cette étiquette n'a pas été émise par {issuer}.", forgedWhy: "Sa signature n'est pas valide pour ce produit, ce lot et ce numéro de série : le code a été copié, modifié ou fait par quelqu'un d'autre.", unsigned: "Cette adresse ne porte pas de signature d'étiquette : scannez le code de l'étiquette elle-même.", unsupported: "Ce navigateur ne sait pas vérifier les signatures Ed25519 : ouvrez la page dans un navigateur à jour, ou vérifiez l'étiquette avec TradeSeal.", otherKey: "Cette étiquette désigne une autre clé que celle de {issuer}.", otherBatch: "Ce numéro de série n'a pas été émis dans le lot d'émission que désigne l'étiquette.", origins: "D'où il vient", noOrigins: "Aucun lieu d'origine enregistré.", journey: "Son parcours", certifications: "Certifications", noCertifications: "Aucune enregistrée dans les événements de la chaîne.", issuer: "Publié par", fingerprint: "Empreinte de la clé", download: "Télécharger la chaîne signée (paquet TradeSeal)", bundleHint: "Chaque événement de la chaîne de ce lot avec ses signatures et ses preuves de registre : TradeSeal le vérifie hors ligne.", bundleWithheld: "La chaîne signée n'est pas publiée ici : demandez-la à la marque.", language: "Langue", footer: "Publié avec TradeSeal. Cette page ne charge rien d'ailleurs." },
  de: { seenBefore: "Dieses Etikett wurde bereits gescannt in:", passport: "Produktpass", lot: "Charge", serial: "Seriennummer", labelCheck: "Das Etikett", checking: "Die Signatur des Etiketts wird geprüft…", genuine: "Echtes Etikett von {issuer}.", genuineWhy: "Seine Signatur ist mit dem Schlüssel von {issuer} (Fingerabdruck auf dieser Seite) für dieses Produkt, diese Charge und diese Seriennummer gültig.", forged: "Dieses Etikett wurde nicht von {issuer} ausgegeben.", forgedWhy: "Seine Signatur ist für dieses Produkt, diese Charge und diese Seriennummer nicht gültig: Der Code wurde kopiert, verändert oder von jemand anderem erstellt.", unsigned: "Diese Adresse trägt keine Etikett-Signatur: Scannen Sie den Code auf dem Etikett selbst.", unsupported: "Dieser Browser kann Ed25519-Signaturen nicht prüfen: Öffnen Sie die Seite in einem aktuellen Browser oder prüfen Sie das Etikett mit TradeSeal.", otherKey: "Dieses Etikett nennt einen anderen Schlüssel als den von {issuer}.", otherBatch: "Diese Seriennummer wurde nicht in dem Ausgabelauf ausgegeben, den das Etikett nennt.", origins: "Woher es kommt", noOrigins: "Kein Herkunftsort erfasst.", journey: "Sein Weg", certifications: "Zertifizierungen", noCertifications: "Keine in den Ereignissen der Kette erfasst.", issuer: "Veröffentlicht von", fingerprint: "Fingerabdruck des Schlüssels", download: "Die signierte Kette herunterladen (TradeSeal-Paket)", bundleHint: "Jedes Ereignis der Kette dieser Charge mit Signaturen und Registernachweisen: TradeSeal prüft es offline.", bundleWithheld: "Die signierte Kette ist hier nicht veröffentlicht: Fragen Sie die Marke danach.", language: "Sprache", footer: "Veröffentlicht mit TradeSeal. Diese Seite lädt nichts von anderswo." },
  zh: { seenBefore: "此标签曾在以下地点被扫描：", passport: "产品护照", lot: "批次", serial: "序列号", labelCheck: "标签", checking: "正在检查标签的签名…", genuine: "{issuer} 的正品标签。", genuineWhy: "其签名经 {issuer} 的密钥（指纹见本页）验证有效，对应此产品、批次和序列号。", forged: "此标签并非由 {issuer} 签发。", forgedWhy: "其签名对此产品、批次和序列号无效：该二维码被复制、篡改或由他人制作。", unsigned: "此地址不含标签签名：请扫描标签本身上的二维码。", unsupported: "此浏览器无法检查 Ed25519 签名：请在最新版浏览器中打开本页，或使用 TradeSeal 检查标签。", otherKey: "此标签所指的密钥不是 {issuer} 的密钥。", otherBatch: "此序列号并非在标签所指的发行批次中签发。", origins: "来自何处", noOrigins: "未记录原产地。", journey: "流转历程", certifications: "认证", noCertifications: "链中的事件未记录任何认证。", issuer: "发布者", fingerprint: "密钥指纹", download: "下载已签名的链（TradeSeal 包）", bundleHint: "此批次链中的每个事件及其签名和账本证明：TradeSeal 可离线验证。", bundleWithheld: "已签名的链未在此发布：请向品牌方索取。", language: "语言", footer: "由 TradeSeal 发布。本页不从其他地方加载任何内容。" },
};

// The CBV 2.0 business steps in each language: the app's catalogues (ui/src/locales, cbv.*),
// kept equal by src-tauri/tests/locales.rs.
const STEPS = {"en": {"accepting": "accepting", "arriving": "arriving", "assembling": "assembling", "collecting": "collecting", "commissioning": "commissioning", "consigning": "consigning", "creating_class_instance": "creating_class_instance", "cycle_counting": "cycle_counting", "decommissioning": "decommissioning", "departing": "departing", "destroying": "destroying", "disassembling": "disassembling", "dispensing": "dispensing", "encoding": "encoding", "entering_exiting": "entering_exiting", "holding": "holding", "inspecting": "inspecting", "installing": "installing", "killing": "killing", "loading": "loading", "other": "other", "packing": "packing", "picking": "picking", "receiving": "receiving", "removing": "removing", "repackaging": "repackaging", "repairing": "repairing", "replacing": "replacing", "reserving": "reserving", "retail_selling": "retail_selling", "sampling": "sampling", "sensor_reporting": "sensor_reporting", "shipping": "shipping", "staging_outbound": "staging_outbound", "stock_taking": "stock_taking", "stocking": "stocking", "storing": "storing", "transporting": "transporting", "unloading": "unloading", "unpacking": "unpacking", "void_shipping": "void_shipping"}, "es": {"accepting": "aceptación", "arriving": "llegada", "assembling": "montaje", "collecting": "recogida", "commissioning": "puesta en servicio", "consigning": "consignación", "creating_class_instance": "creación de instancia de clase", "cycle_counting": "recuento cíclico", "decommissioning": "retirada de servicio", "departing": "salida", "destroying": "destrucción", "disassembling": "desmontaje", "dispensing": "dispensación", "encoding": "codificación", "entering_exiting": "entrada o salida", "holding": "retención", "inspecting": "inspección", "installing": "instalación", "killing": "desactivación de etiqueta", "loading": "carga", "other": "otro", "packing": "embalaje", "picking": "preparación de pedidos", "receiving": "recepción", "removing": "extracción", "repackaging": "reembalaje", "repairing": "reparación", "replacing": "sustitución", "reserving": "reserva", "retail_selling": "venta al por menor", "sampling": "muestreo", "sensor_reporting": "informe de sensor", "shipping": "envío", "staging_outbound": "preparación de salida", "stock_taking": "inventario", "stocking": "almacenamiento en estantería", "storing": "almacenaje", "transporting": "transporte", "unloading": "descarga", "unpacking": "desembalaje", "void_shipping": "anulación de envío"}, "pt": {"accepting": "aceitação", "arriving": "chegada", "assembling": "montagem", "collecting": "recolha", "commissioning": "colocação em serviço", "consigning": "consignação", "creating_class_instance": "criação de instância de classe", "cycle_counting": "contagem cíclica", "decommissioning": "retirada de serviço", "departing": "partida", "destroying": "destruição", "disassembling": "desmontagem", "dispensing": "dispensa", "encoding": "codificação", "entering_exiting": "entrada ou saída", "holding": "retenção", "inspecting": "inspeção", "installing": "instalação", "killing": "desativação de etiqueta", "loading": "carga", "other": "outro", "packing": "embalagem", "picking": "separação", "receiving": "receção", "removing": "remoção", "repackaging": "reembalagem", "repairing": "reparação", "replacing": "substituição", "reserving": "reserva", "retail_selling": "venda a retalho", "sampling": "amostragem", "sensor_reporting": "relatório de sensor", "shipping": "expedição", "staging_outbound": "preparação de saída", "stock_taking": "inventário", "stocking": "reposição", "storing": "armazenagem", "transporting": "transporte", "unloading": "descarga", "unpacking": "desembalagem", "void_shipping": "anulação de expedição"}, "fr": {"accepting": "acceptation", "arriving": "arrivée", "assembling": "assemblage", "collecting": "collecte", "commissioning": "mise en service", "consigning": "consignation", "creating_class_instance": "création d'instance de classe", "cycle_counting": "comptage cyclique", "decommissioning": "mise hors service", "departing": "départ", "destroying": "destruction", "disassembling": "désassemblage", "dispensing": "délivrance", "encoding": "encodage", "entering_exiting": "entrée ou sortie", "holding": "rétention", "inspecting": "inspection", "installing": "installation", "killing": "désactivation d'étiquette", "loading": "chargement", "other": "autre", "packing": "emballage", "picking": "préparation de commande", "receiving": "réception", "removing": "retrait", "repackaging": "reconditionnement", "repairing": "réparation", "replacing": "remplacement", "reserving": "réservation", "retail_selling": "vente au détail", "sampling": "échantillonnage", "sensor_reporting": "relevé de capteur", "shipping": "expédition", "staging_outbound": "préparation à l'expédition", "stock_taking": "inventaire", "stocking": "mise en rayon", "storing": "stockage", "transporting": "transport", "unloading": "déchargement", "unpacking": "déballage", "void_shipping": "annulation d'expédition"}, "de": {"accepting": "Annahme", "arriving": "Ankunft", "assembling": "Montage", "collecting": "Sammlung", "commissioning": "Inbetriebnahme", "consigning": "Konsignation", "creating_class_instance": "Erzeugung einer Klasseninstanz", "cycle_counting": "Zykluszählung", "decommissioning": "Außerbetriebnahme", "departing": "Abfahrt", "destroying": "Vernichtung", "disassembling": "Demontage", "dispensing": "Abgabe", "encoding": "Codierung", "entering_exiting": "Ein- oder Ausgang", "holding": "Zurückhaltung", "inspecting": "Prüfung", "installing": "Installation", "killing": "Etikett deaktiviert", "loading": "Verladung", "other": "Sonstiges", "packing": "Verpackung", "picking": "Kommissionierung", "receiving": "Wareneingang", "removing": "Entnahme", "repackaging": "Umverpackung", "repairing": "Reparatur", "replacing": "Austausch", "reserving": "Reservierung", "retail_selling": "Einzelhandelsverkauf", "sampling": "Probenahme", "sensor_reporting": "Sensormeldung", "shipping": "Versand", "staging_outbound": "Versandbereitstellung", "stock_taking": "Inventur", "stocking": "Einräumen", "storing": "Einlagerung", "transporting": "Transport", "unloading": "Entladung", "unpacking": "Auspacken", "void_shipping": "Stornierung des Versands"}, "zh": {"accepting": "验收", "arriving": "到达", "assembling": "组装", "collecting": "收集", "commissioning": "启用", "consigning": "寄售", "creating_class_instance": "创建类实例", "cycle_counting": "循环盘点", "decommissioning": "停用", "departing": "离开", "destroying": "销毁", "disassembling": "拆解", "dispensing": "分发", "encoding": "编码", "entering_exiting": "进出", "holding": "扣留", "inspecting": "检验", "installing": "安装", "killing": "标签失效", "loading": "装载", "other": "其他", "packing": "包装", "picking": "拣货", "receiving": "收货", "removing": "取出", "repackaging": "重新包装", "repairing": "维修", "replacing": "更换", "reserving": "预留", "retail_selling": "零售销售", "sampling": "抽样", "sensor_reporting": "传感器报告", "shipping": "发货", "staging_outbound": "出库备货", "stock_taking": "盘点", "stocking": "上架", "storing": "存储", "transporting": "运输", "unloading": "卸载", "unpacking": "拆包", "void_shipping": "作废发货"}};

let lang = "en";
const fill = (key, vars) => (TEXT[lang][key] ?? TEXT.en[key] ?? key).replace(/\{(\w+)\}/g, (m, k) => (vars && k in vars ? vars[k] : m));

function translate() {
  document.documentElement.lang = lang;
  for (const el of document.querySelectorAll("[data-t]")) {
    if (el.dataset.t in TEXT.en) el.textContent = fill(el.dataset.t, el.dataset.vars ? JSON.parse(el.dataset.vars) : undefined);
  }
  for (const el of document.querySelectorAll(".step[data-step]")) el.textContent = STEPS[lang][el.dataset.step] ?? el.dataset.step;
}

function chooseLanguage() {
  const wanted = [...(navigator.languages ?? [navigator.language ?? "en"])].map((l) => l.toLowerCase().slice(0, 2));
  lang = wanted.find((l) => l in TEXT) ?? "en";
  const picker = document.getElementById("lang");
  if (picker) {
    picker.value = lang;
    picker.addEventListener("change", () => {
      lang = picker.value;
      translate();
    });
  }
  translate();
}

// RFC 4648 base32 without padding.
function base32(text) {
  const abc = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = 0, value = 0;
  const out = [];
  for (const c of text) {
    const i = abc.indexOf(c);
    if (i < 0) return null;
    value = (value << 5) | i;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return new Uint8Array(out);
}

const hex = (h) => new Uint8Array(h.match(/../g).map((b) => parseInt(b, 16)));
const same = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);

function show(state, key, whyKey, vars) {
  const v = document.getElementById("verdict");
  v.dataset.state = state;
  v.dataset.t = key;
  v.dataset.vars = JSON.stringify(vars);
  const why = document.getElementById("why");
  if (whyKey) {
    why.dataset.t = whyKey;
    why.dataset.vars = JSON.stringify(vars);
  } else {
    delete why.dataset.t;
    why.textContent = "";
  }
  translate();
}

async function checkLabel() {
  const data = document.getElementById("label");
  if (!data) return;
  const label = JSON.parse(data.textContent);
  const vars = { issuer: label.issuer };
  // The first occurrence of each parameter (qr.md §1).
  const q = new URLSearchParams(location.search);
  const k = q.get("k"), b = q.get("b"), s = q.get("s");
  if (!k || !b || !s) return show("unsigned", "unsigned", null, vars);
  if (k !== label.key_id) return show("forged", "forged", "otherKey", vars);
  if (!/^(0|[1-9][0-9]*)$/.test(b) || !label.batches.includes(Number(b))) return show("forged", "forged", "otherBatch", vars);
  const sig = base32(s);
  if (!sig || sig.length !== 64) return show("forged", "forged", "forgedWhy", vars);
  const message = new TextEncoder().encode(`tradeseal-label/1\n${label.gtin}\n${label.lot}\n${label.serial}\n${b}\n`);
  let key;
  try {
    key = await crypto.subtle.importKey("raw", hex(label.public_key), { name: "Ed25519" }, false, ["verify"]);
  } catch {
    return show("unsupported", "unsupported", null, vars);
  }
  // The key id the label names is this key's (SHA-256 of the context and the key).
  const context = new TextEncoder().encode("tradeseal/v1/label-key\0");
  const id = new Uint8Array(await crypto.subtle.digest("SHA-256", new Uint8Array([...context, ...hex(label.public_key)]))).slice(0, 8);
  if (!same(id, base32(label.key_id))) return show("forged", "forged", "otherKey", vars);
  const ok = await crypto.subtle.verify({ name: "Ed25519" }, key, sig, message);
  return ok ? show("genuine", "genuine", "genuineWhy", vars) : show("forged", "forged", "forgedWhy", vars);
}

document.addEventListener("DOMContentLoaded", () => {
  chooseLanguage();
  checkLabel().catch(() => show("unsupported", "unsupported", null, {}));
});
