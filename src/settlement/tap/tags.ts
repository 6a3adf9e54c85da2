// The TAP 3.12 and RAP 1.5 application tags this importer understands, with how each element's content is read.
// Numbers are the [APPLICATION n] tags of the GSMA TD.57 (TAP 3.12) ASN.1 module and, for RAP, of TD.32. An element whose
// tag is not listed still decodes (shown as "Tag<n>", content kept as hex) so that a newer file is never mangled.

/** How an element's content octets are read. */
export type TapKind = "constructed" | "integer" | "ascii" | "bcd" | "octets";

interface TagInfo {
  name: string;
  kind: TapKind;
}

const C = "constructed";
const I = "integer";
const A = "ascii";
const B = "bcd";
const O = "octets";

/** [APPLICATION n] -> element name and content kind. */
export const TAP_TAGS: ReadonlyMap<number, TagInfo> = new Map<number, TagInfo>(
  (
    [
      // batch structure
      [1, "TransferBatch", C],
      [2, "Notification", C],
      [3, "CallEventDetailList", C],
      [4, "BatchControlInfo", C],
      [5, "AccountingInfo", C],
      [6, "NetworkInfo", C],
      [8, "MessageDescriptionInfoList", C],
      [15, "AuditControlInfo", C],
      // call event details
      [9, "MobileOriginatedCall", C],
      [10, "MobileTerminatedCall", C],
      [11, "SupplServiceEvent", C],
      [12, "ServiceCentreUsage", C],
      [14, "GprsCall", C],
      [17, "ContentTransaction", C],
      [297, "LocationService", C],
      [433, "MessagingEvent", C],
      [434, "MobileSession", C],
      // groups
      [36, "BasicService", C],
      [37, "BasicServiceCodeList", C],
      [38, "BasicServiceUsedList", C],
      [39, "BasicServiceUsed", C],
      [41, "CallOriginator", C],
      [57, "CamelServiceUsed", C],
      [63, "ChargeDetail", C],
      [64, "ChargeDetailList", C],
      [69, "ChargeInformation", C],
      [70, "ChargeInformationList", C],
      [80, "CurrencyConversionList", C],
      [89, "Destination", C],
      [96, "DiscountInformation", C],
      [101, "EarliestCallTimeStamp", C],
      [106, "CurrencyConversion", C],
      [107, "FileAvailableTimeStamp", C],
      [108, "FileCreationTimeStamp", C],
      [113, "GeographicalLocation", C],
      [114, "GprsBasicCallInformation", C],
      [115, "GprsChargeableSubscriber", C],
      [116, "GprsDestination", C],
      [117, "GprsLocationInformation", C],
      [118, "GprsNetworkLocation", C],
      [121, "GprsServiceUsed", C],
      [123, "HomeLocationInformation", C],
      [133, "LatestCallTimeStamp", C],
      [138, "LocationInformation", C],
      [143, "MessageDescriptionInformation", C],
      [147, "MoBasicCallInformation", C],
      [153, "MtBasicCallInformation", C],
      [156, "NetworkLocation", C],
      [162, "OperatorSpecInfoList", C],
      [183, "RecEntityInformation", C],
      [185, "RecEntityCodeList", C],
      [188, "RecEntityInfoList", C],
      [199, "SimChargeableSubscriber", C],
      [206, "SupplServiceUsed", C],
      [211, "TaxationList", C],
      [213, "TaxInformation", C],
      [214, "TaxInformationList", C],
      [216, "Taxation", C],
      [219, "ThirdPartyInformation", C],
      [227, "TransferCutOffTimeStamp", C],
      [233, "UtcTimeOffsetInfo", C],
      [234, "UtcTimeOffsetInfoList", C],
      [254, "MinChargeableSubscriber", C],
      [258, "CallTypeGroup", C],
      [260, "PDPContextStartTimestamp", C],
      [286, "GsmChargeableSubscriber", C],
      [426, "BasicServiceCode", C],
      [427, "ChargeableSubscriber", C],
      [429, "ImeiOrEsn", C],
      [44, "CallEventStartTimeStamp", C],
      [74, "ChargingTimeStamp", C],
      [361, "TotalAdvisedChargeValueList", C],
      // items
      [16, "LocalTimeStamp", A],
      [40, "BearerServiceCode", A],
      [42, "CalledPlace", A],
      [43, "CallEventDetailsCount", I],
      [45, "CallReference", O],
      [46, "CalledRegion", A],
      [58, "CauseForTerm", I],
      [59, "CellId", I],
      [62, "Charge", I],
      [65, "ChargeableUnits", I],
      [66, "ChargedItem", A],
      [68, "ChargedUnits", I],
      [71, "ChargeType", A],
      [72, "ChargingId", I],
      [75, "ClirIndicator", I],
      [104, "ExchangeRate", I],
      [105, "ExchangeRateCode", I],
      [109, "FileSequenceNumber", A],
      [110, "FileTypeIndicator", A],
      [128, "Imei", B],
      [129, "Imsi", B],
      [135, "LocalCurrency", A],
      [136, "LocationArea", I],
      [152, "Msisdn", B],
      [159, "NumberOfDecimalPlaces", I],
      [163, "OperatorSpecInformation", A],
      [164, "OriginatingNetwork", A],
      [90, "DestinationNetwork", A],
      [167, "PdpAddress", A],
      [181, "RapFileSequenceNumber", A],
      [182, "Recipient", A],
      [184, "RecEntityCode", I],
      [186, "RecEntityType", I],
      [189, "ReleaseVersionNumber", I],
      [195, "ServingNetwork", A],
      [196, "Sender", A],
      [200, "SimToolkitIndicator", A],
      [201, "SpecificationVersionNumber", I],
      [208, "SupplServiceActionCode", I],
      [209, "SupplServiceCode", A],
      [210, "TapCurrency", A],
      [212, "TaxCode", I],
      [218, "TeleServiceCode", A],
      [223, "TotalCallEventDuration", I],
      [225, "TotalDiscountValue", I],
      [226, "TotalTaxValue", I],
      [231, "UtcTimeOffset", A],
      [232, "UtcTimeOffsetCode", I],
      [244, "TapDecimalPlaces", I],
      [245, "NetworkInitPDPContext", I],
      [250, "DataVolumeIncoming", I],
      [251, "DataVolumeOutgoing", I],
      [253, "Mdn", A],
      [146, "Min", A],
      [261, "AccessPointNameNI", A],
      [262, "AccessPointNameOI", A],
      [279, "DialledDigits", A],
      [397, "TaxValue", I],
      [400, "RecEntityId", A],
      [403, "ThirdPartyNumber", B],
      [405, "CallingNumber", B],
      [407, "CalledNumber", B],
      [415, "TotalCharge", I],
      [419, "SMSDestinationNumber", A],
      [425, "SMSOriginator", A],
      [166, "PartialTypeIndicator", A],
      // RAP 1.5 (GSMA TD.32, returned accounts): the return batch with its severe returns, and its acknowledgement
      [534, "ReturnBatch", C],
      [536, "ReturnDetailList", C],
      [538, "MissingReturn", C],
      [539, "FatalReturn", C],
      [540, "SevereReturn", C],
      [541, "RapAuditControlInfo", C],
      [520, "ErrorDetailList", C],
      [521, "ErrorDetail", C],
      [545, "ErrorContext", C],
      [549, "ErrorContextList", C],
      [551, "OperatorSpecList", C],
      [519, "ErrorCode", I],
      [524, "ItemOffset", I],
      [528, "ReturnDetailsCount", I],
      [533, "TotalSevereReturnValue", I],
      [546, "PathItemId", I],
      [547, "ItemOccurrence", I],
      [548, "ItemLevel", I],
      [553, "TotalSevereReturnTax", I],
      [550, "RoamingPartner", A],
      [535, "Acknowledgement", C],
      [537, "RapBatchControlInfo", C],
      [515, "AckFileAvailableTimeStamp", C],
      [516, "AckFileCreationTimeStamp", C],
      [525, "RapFileAvailableTimeStamp", C],
      [526, "RapFileCreationTimeStamp", C],
      [543, "RapReleaseVersionNumber", I],
      [544, "RapSpecificationVersionNumber", I],
    ] as const
  ).map(([tag, name, kind]) => [tag, { name, kind }]),
);

const BY_NAME = new Map<string, number>([...TAP_TAGS].map(([tag, info]) => [info.name, tag]));

/** Name and kind of an application tag; unknown tags keep their number. */
export function tagInfo(tag: number): TagInfo {
  return TAP_TAGS.get(tag) ?? { name: `Tag${tag}`, kind: "octets" };
}

/** The application tag of a named element (for the writer). */
export function tagOf(name: string): number {
  const tag = BY_NAME.get(name);
  if (tag === undefined) throw new Error(`TAP element ${name} has no known application tag`);
  return tag;
}
