// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/// @title The subscriber insights market (EEA use case 3) with provable erasure.
/// @notice A controller (a member holding a subject's data under a live DataUsage contract, the "consent") offers an
///         insight drawn from that data: the chain holds only the consent's id, a salted digest of the insight and its
///         price. Members buy it in the settlement token, straight from the controller or through a broker the
///         controller lists it with (the broker's share is split off by this contract, both paid straight from the
///         buyer's allowance). A purchase's id derives from the insight and the buyer, so a replayed purchase is
///         refused and moves nothing. The payload stays off chain, encrypted under a per-subject key the controller's
///         agent holds; each buyer registers a delivery key with its purchase. On the subject's request the controller
///         destroys the key and records the erasure here with the digest of its erasure certificate: from that block on
///         the insight can be neither bought nor delivered (docs/datausage.md).
interface IInsightsMarket {
    /// @notice What the chain knows of one insight.
    struct Insight {
        address controller; // the member that offered it (holds the subject's data and key); 0 when unknown
        uint64 offeredAt;
        uint64 erasedAt; // 0 until erased
        bytes32 consentId; // the DataUsage contract the insight is drawn under
        bytes32 contentDigest; // keccak256(random salt || payload); salt off chain, destroyed with the key
        bytes32 erasureDigest; // keccak256 of the controller's erasure certificate (0 until erased)
        uint256 price; // in the settlement token's smallest unit, for a direct purchase
    }

    /// @notice A broker's listing of an insight, set by its controller.
    struct Listing {
        uint256 price; // what a buyer pays through this broker
        uint16 brokerShareBps; // the broker's part of that price, in basis points
        bool listed;
    }

    /// @notice One purchase.
    struct Purchase {
        address buyer; // 0 when unknown
        address broker; // 0 for a direct purchase
        uint64 purchasedAt;
        bytes32 insightId;
        bytes32 deliveryKeyHash; // keccak256 of the buyer's delivery public key (the key itself is in the event)
        uint256 price;
        uint256 brokerAmount;
    }

    /// @notice Emitted when a controller offers an insight.
    event InsightOffered(
        bytes32 indexed insightId,
        address indexed controller,
        bytes32 indexed consentId,
        bytes32 contentDigest,
        uint256 price
    );
    /// @notice Emitted when a controller lists an insight with a broker (or changes the listing).
    event InsightListed(bytes32 indexed insightId, address indexed broker, uint256 price, uint16 brokerShareBps);
    /// @notice A subscriber's entrustment of an insight it accepted to a broker, who may bundle it.
    struct Entrustment {
        uint16 subscriberShareBps; // the subscriber's part of the insight's portion of a bundle's price
        uint64 entrustedAt; // 0: not entrusted
    }

    /// @notice A broker's bundle of insights entrusted to it, sold at one price.
    struct Bundle {
        address broker; // 0 when unknown
        uint64 createdAt;
        uint256 price;
        bytes32[] insightIds; // ascending
    }

    /// @notice One purchase of a bundle (each insight in it also gets its own Purchase, for its delivery).
    struct BundlePurchase {
        address buyer; // 0 when unknown
        uint64 purchasedAt;
        bytes32 bundleId;
        uint256 price;
        uint256 brokerAmount; // what the broker kept: the price less every subscriber's share
    }

    /// @notice Emitted when a member buys an insight; the controller (for an insight bought in a bundle: the
    ///         subscriber, see SubscriberPaid) receives price - brokerAmount.
    event InsightPurchased(
        bytes32 indexed purchaseId,
        bytes32 indexed insightId,
        address indexed buyer,
        address broker,
        uint256 price,
        uint256 brokerAmount,
        bytes deliveryKey
    );
    /// @notice The subscriber's own answer to an insight offered about them (answeredAt 0: no answer yet).
    struct Answer {
        bool accepted;
        uint64 answeredAt;
        bytes32 locationDigest; // keccak256 of the storage location the subscriber named (the location stays off chain)
    }

    /// @notice Emitted when a subscriber's key is registered for a consent (the public key the insights are sealed to).
    event SubscriberKeyRegistered(
        bytes32 indexed consentId,
        address indexed subscriberKey,
        bytes publicKey,
        address submittedBy
    );
    /// @notice Emitted when the subscriber's signed accept or decline of an insight is recorded.
    event InsightAnswered(
        bytes32 indexed insightId,
        bytes32 indexed consentId,
        address indexed subscriberKey,
        bool accepted,
        bytes32 locationDigest
    );
    /// @notice Emitted when the store of an accepted insight serves it to a reader (a fingerprint, never content).
    event InsightRead(bytes32 indexed insightId, bytes32 readerFingerprint, address indexed recordedBy, uint64 at);
    /// @notice Emitted when the controller erases an insight (its key destroyed off chain).
    event ErasureRecorded(bytes32 indexed insightId, address indexed controller, bytes32 erasureDigest, uint64 at);

    /// @notice Emitted when the subscriber's signed entrustment of an insight to a broker is recorded.
    event InsightEntrusted(
        bytes32 indexed insightId,
        address indexed broker,
        address indexed subscriberKey,
        uint16 subscriberShareBps
    );
    /// @notice Emitted when a broker bundles insights entrusted to it.
    event BundleCreated(bytes32 indexed bundleId, address indexed broker, uint256 price, bytes32[] insightIds);
    /// @notice Emitted when a member buys a bundle (one InsightPurchased and one SubscriberPaid per insight follow).
    event BundlePurchased(
        bytes32 indexed bundlePurchaseId,
        bytes32 indexed bundleId,
        address indexed buyer,
        uint256 price,
        uint256 brokerAmount
    );
    /// @notice Emitted for each insight of a bought bundle: the amount this contract moved from the buyer to the
    ///         subscriber's registered key.
    event SubscriberPaid(
        bytes32 indexed bundlePurchaseId,
        bytes32 indexed insightId,
        address indexed subscriberKey,
        uint256 amount
    );

    /// @notice One share of an insight by its subscriber with a friend.
    struct Share {
        address from; // the subscriber's key that signed it; 0 when unknown
        address friendKey;
        uint64 sharedAt;
        bytes32 insightId;
        bytes32 envelopeDigest; // keccak256 of the envelope sealed to the friend (the envelope stays off chain)
    }

    /// @notice The custodians of a consent's subject key and the threshold of their attestations.
    struct Custody {
        address[] custodians; // ascending
        uint8 threshold;
    }

    /// @notice Where a consent's key erasure stands.
    enum ErasureStatus {
        None,
        Requested,
        Attested
    }

    /// @notice A consent's key erasure: requested by its controller, attested by its custodians.
    struct KeyErasure {
        ErasureStatus status;
        uint8 attestations; // distinct custodians so far
        uint64 requestedAt;
        uint64 attestedAt; // the block time the threshold was reached (0 until then)
        address[] attestedBy; // in the order they attested
    }

    /// @notice Emitted when a friend's key is registered (the public key a subscriber seals a share to).
    event FriendKeyRegistered(address indexed friendKey, bytes publicKey, address submittedBy);
    /// @notice Emitted when a subscriber shares an insight with a friend's key.
    event InsightShared(
        bytes32 indexed shareId,
        bytes32 indexed insightId,
        address indexed friendKey,
        address subscriberKey,
        bytes32 envelopeDigest,
        address submittedBy
    );
    /// @notice Emitted when a controller names the custodians of a consent's key.
    event CustodiansNamed(bytes32 indexed consentId, address indexed controller, address[] custodians, uint8 threshold);
    /// @notice Emitted when a controller opens the erasure of a consent's key.
    event ErasureRequested(bytes32 indexed consentId, address indexed controller, uint64 at);
    /// @notice Emitted when a custodian attests that it destroyed its copy of a consent's key.
    event CustodianAttested(
        bytes32 indexed consentId,
        address indexed custodian,
        bytes32 destructionDigest,
        uint8 attestations,
        uint64 at
    );
    /// @notice Emitted when `threshold` distinct custodians attested: the key erasure is `Attested`.
    event ErasureAttested(bytes32 indexed consentId, uint8 attestations, uint64 at);

    /// @notice Thrown when a friend key is registered a second time.
    error FriendKeyExists(address key);
    /// @notice Thrown when a share names a key no friend registered.
    error FriendKeyNotRegistered(address key);
    /// @notice Thrown when the subscriber shares an insight with its own key.
    error SelfShare(address key);
    /// @notice Thrown when this insight was shared with this friend already.
    error ShareExists(bytes32 shareId);
    /// @notice Thrown when custodians are named a second time for a consent.
    error CustodiansExist(bytes32 consentId);
    /// @notice Thrown when the custodians or threshold are out of bounds (1 <= threshold <= count <= max).
    error BadCustody(uint256 count, uint8 threshold, uint256 max);
    /// @notice Thrown when the custodians are not KEY_CUSTODIAN members in ascending order; `index` is the first
    ///         offending one.
    error BadCustodian(uint256 index, address custodian);
    /// @notice Thrown when a consent has no named custodians.
    error NoCustodians(bytes32 consentId);
    /// @notice Thrown when an erasure is requested twice.
    error ErasureAlreadyRequested(bytes32 consentId, uint64 requestedAt);
    /// @notice Thrown when a custodian attests before any erasure is requested.
    error ErasureNotRequested(bytes32 consentId);
    /// @notice Thrown when the caller is not one of the consent's custodians.
    error NotCustodian(bytes32 consentId, address caller);
    /// @notice Thrown when a custodian attests twice.
    error AlreadyAttested(bytes32 consentId, address custodian, uint64 attestedAt);
    /// @notice Thrown when an attestation comes after the threshold was reached.
    error ErasureComplete(bytes32 consentId, uint64 attestedAt);

    error NotMember(address account);
    error ZeroDependency();
    error EmptyDigest(string field);
    error ConsentNotHeld(bytes32 consentId, address caller);
    error ConsentInactive(bytes32 consentId);
    error InsightExists(bytes32 insightId);
    error UnknownInsight(bytes32 insightId);
    error NotController(bytes32 insightId, address caller);
    error InsightErased(bytes32 insightId, uint64 erasedAt);
    error BrokerShareTooHigh(uint256 shareBps, uint256 max);
    error BadBroker(address broker);
    error NotListed(bytes32 insightId, address broker);
    error PurchaseReplayed(bytes32 purchaseId);
    error PriceAboveLimit(uint256 price, uint256 maxPrice);
    error SelfPurchase(address buyer);
    error BadDeliveryKey(uint256 length);
    error TooManyInsights(uint256 count, uint256 max);
    error BadPublicKey(uint256 length);
    error MemberKey(address key);
    error SubscriberKeyExists(bytes32 consentId, address key);
    error NoSubscriberKey(bytes32 consentId);
    error BadSubscriberSignature(address recovered, address expected);
    error SignatureExpired(uint256 deadline, uint256 now);
    error AlreadyAnswered(bytes32 insightId, bool accepted);
    error InsightDeclined(bytes32 insightId);
    error NotAccepted(bytes32 insightId);
    error ShareTooHigh(uint256 shareBps, uint256 max);
    error AlreadyEntrusted(bytes32 insightId, address broker);
    error NotEntrusted(bytes32 insightId, address broker);
    error BundleSize(uint256 count, uint256 max);
    error InsightsNotAscending(uint256 index);
    error BundleExists(bytes32 bundleId);
    error UnknownBundle(bytes32 bundleId);

    /// @notice Offers an insight drawn from the data the caller holds under `consentId`. Members only; the caller must
    ///         be the consent's controller and the consent (and every contract up its chain) must be unrevoked.
    /// @param consentId The caller's DataUsage contract with the subject.
    /// @param nonce Random per insight.
    /// @param contentDigest keccak256(salt || payload), salt random and kept off chain.
    /// @param price The direct price in the settlement token (0: shared for free).
    /// @return insightId keccak256(abi.encode(chainid, this, caller, consentId, nonce, contentDigest)).
    function offer(
        bytes32 consentId,
        bytes32 nonce,
        bytes32 contentDigest,
        uint256 price
    ) external returns (bytes32 insightId);

    /// @notice Lists an insight with `broker` at `price`, `brokerShareBps` of which go to the broker. Only the
    ///         insight's controller, never for an erased insight; the broker must be a member other than the caller.
    function list(bytes32 insightId, address broker, uint256 price, uint16 brokerShareBps) external;

    /// @notice Buys an insight, directly (`broker` 0, at its price) or through a listed broker (at the listing's
    ///         price, the broker's share paid to the broker). Pulls the price from the caller's allowance to this
    ///         contract. Refused for an erased insight, a revoked consent, a price above `maxPrice`, the controller
    ///         itself, or a second purchase by the same buyer (the id derives from insight and buyer).
    /// @param deliveryKey The buyer's uncompressed P-256 public key (65 bytes) the payload is to be encrypted to.
    /// @return purchaseId keccak256(abi.encode(insightId, caller)).
    function purchase(
        bytes32 insightId,
        address broker,
        uint256 maxPrice,
        bytes calldata deliveryKey
    ) external returns (bytes32 purchaseId);

    /// @notice Records that the caller erased these insights (destroyed their key and payload off chain). Only their
    ///         controller; each at most once; at most MAX_ERASE per call.
    /// @param erasureDigest keccak256 of the erasure certificate the controller keeps for the subject and regulators.
    function erase(bytes32[] calldata insightIds, bytes32 erasureDigest) external;

    /// @notice Registers the subscriber's key for a consent, once: the subscriber (no member, no account) signs the
    ///         EIP-712 `SubscriberKey(bytes32 consentId)` with the key (proof of possession) and any member submits it.
    ///         The consent must be live; a member's own account is refused as a subscriber key.
    /// @param publicKey The uncompressed secp256k1 public key (65 bytes); its address is the registered key.
    function registerSubscriberKey(bytes32 consentId, bytes calldata publicKey, bytes calldata signature) external;

    /// @notice Records the subscriber's accept or decline of an insight, signed by the consent's registered key
    ///         (EIP-712 `InsightAnswer(bytes32 insightId,bool accepted,bytes32 locationDigest,uint256 deadline)`), so the
    ///         operator cannot answer for the subscriber. Only the insight's controller submits; once per insight; never
    ///         for an erased one. A declined insight can be neither listed nor bought.
    function answer(
        bytes32 insightId,
        bool accepted,
        bytes32 locationDigest,
        uint256 deadline,
        bytes calldata signature
    ) external;

    /// @notice Records that the controller's store served an accepted, unerased insight to a reader.
    function recordReading(bytes32 insightId, bytes32 readerFingerprint) external;

    /// @notice Records the subscriber's entrustment of an insight it accepted to `broker`, signed by the consent's
    ///         registered key (EIP-712 `Entrustment(bytes32 insightId,address broker,uint16 subscriberShareBps,uint256
    ///         deadline)`). Any member submits; once per insight and broker; never for an erased insight.
    /// @param subscriberShareBps The subscriber's part, in basis points, of the portion of a bundle's price this insight
    ///        stands for; paid by this contract to the subscriber's key on every sale of a bundle holding it.
    function entrust(
        bytes32 insightId,
        address broker,
        uint16 subscriberShareBps,
        uint256 deadline,
        bytes calldata signature
    ) external;

    /// @notice Bundles insights entrusted to the caller (the broker), 1 to MAX_BUNDLE of them in ascending id order,
    ///         none erased, to be sold together at `price`.
    /// @return bundleId keccak256(abi.encode(chainid, this, caller, nonce, insightIds)).
    function createBundle(
        bytes32 nonce,
        bytes32[] calldata insightIds,
        uint256 price
    ) external returns (bytes32 bundleId);

    /// @notice Buys a bundle at its price, pulled from the caller's allowance: each insight's portion is price / n
    ///         (rounded down); the subscriber of each insight receives portion * its share / 10,000 (rounded down)
    ///         straight to its registered key; the broker receives the rest (rounding remainders included). Each
    ///         insight gets its own purchase (id purchaseIdOf(insightId, caller)) delivered with `deliveryKey`. Refused
    ///         for the broker itself, a price above `maxPrice`, an erased insight or revoked consent in the bundle, or
    ///         any earlier purchase of the bundle or of one of its insights by the caller (nothing moves).
    /// @return bundlePurchaseId keccak256(abi.encode(bundleId, caller)).
    function purchaseBundle(
        bytes32 bundleId,
        uint256 maxPrice,
        bytes calldata deliveryKey
    ) external returns (bytes32 bundlePurchaseId);

    /// @notice A subscriber's entrustment of an insight to a broker (entrustedAt 0: none).
    function entrustmentOf(bytes32 insightId, address broker) external view returns (Entrustment memory);

    /// @notice One bundle; broker 0 when unknown.
    function bundleOf(bytes32 bundleId) external view returns (Bundle memory);

    /// @notice One bundle purchase; buyer 0 when unknown.
    function bundlePurchaseOf(bytes32 bundlePurchaseId) external view returns (BundlePurchase memory);

    /// @notice What the subscriber of `insightId` was paid in bundle purchase `bundlePurchaseId`.
    function subscriberPaidOf(bytes32 bundlePurchaseId, bytes32 insightId) external view returns (uint256);

    /// @notice The EIP-712 digest the subscriber signs to entrust an insight to a broker.
    function entrustDigest(
        bytes32 insightId,
        address broker,
        uint16 subscriberShareBps,
        uint256 deadline
    ) external view returns (bytes32);

    /// @notice The id `createBundle` gives.
    function bundleIdOf(address broker, bytes32 nonce, bytes32[] calldata insightIds) external view returns (bytes32);

    /// @notice The id `purchaseBundle` gives.
    function bundlePurchaseIdOf(bytes32 bundleId, address buyer) external pure returns (bytes32);

    /// @notice The subscriber key registered for a consent (0: none).
    function subscriberKeyOf(bytes32 consentId) external view returns (address);

    /// @notice The subscriber's answer to an insight.
    function answerOf(bytes32 insightId) external view returns (Answer memory);

    /// @notice The EIP-712 digest the subscriber signs to register its key for a consent.
    function subscriberKeyDigest(bytes32 consentId) external view returns (bytes32);

    /// @notice The EIP-712 digest the subscriber signs to answer an insight.
    function answerDigest(
        bytes32 insightId,
        bool accepted,
        bytes32 locationDigest,
        uint256 deadline
    ) external view returns (bytes32);

    /// @notice One insight; controller 0 when unknown.
    function insight(bytes32 insightId) external view returns (Insight memory);

    /// @notice A broker's listing of an insight.
    function listing(bytes32 insightId, address broker) external view returns (Listing memory);

    /// @notice One purchase; buyer 0 when unknown.
    function purchaseOf(bytes32 purchaseId) external view returns (Purchase memory);

    /// @notice The purchase a delivery is for, when the insight may still be delivered: reverts UnknownInsight for no
    ///         such purchase and InsightErased once its insight is erased.
    function accessOf(bytes32 purchaseId) external view returns (Purchase memory);

    /// @notice The id `offer` gives.
    function insightIdOf(
        address controller,
        bytes32 consentId,
        bytes32 nonce,
        bytes32 contentDigest
    ) external view returns (bytes32);

    /// @notice The id `purchase` gives.
    function purchaseIdOf(bytes32 insightId, address buyer) external pure returns (bytes32);

    /// @notice Registers a friend's wallet key, once: the friend (no member, no account) signs the EIP-712
    ///         `FriendKey(address key)` with the key (proof of possession) and any member submits it.
    ///
    /// Requirements: the caller is a member; `publicKey` is an uncompressed secp256k1 key (65 bytes, 0x04 first) that
    /// is no member's account; `signature` is the key's own; the key is not registered yet.
    ///
    /// Emits a {FriendKeyRegistered} event (with the public key, which a subscriber seals a share to).
    function registerFriendKey(bytes calldata publicKey, bytes calldata signature) external;

    /// @notice Records that the subscriber holding an accepted insight shared it with a friend's registered key. The
    ///         subscriber's own client opened the insight with its key and sealed it to the friend's public key; the
    ///         envelope stays off chain (its keccak256 is `envelopeDigest`). The subscriber signs the EIP-712
    ///         `InsightShare(bytes32 insightId,address friendKey,bytes32 envelopeDigest,uint256 deadline)` with the
    ///         consent's registered key, so only the insight's holder shares it; any member submits.
    ///
    /// Requirements: the caller is a member; the insight is known, not erased, accepted by its subscriber and its
    /// consent live; `friendKey` is registered and not the subscriber's own key; `envelopeDigest` is not 0; `deadline`
    /// has not passed; the signature recovers to the consent's subscriber key; no earlier share of this insight with
    /// this friend (the id derives from both).
    ///
    /// Emits an {InsightShared} event.
    /// @return shareId keccak256(abi.encode(insightId, friendKey)).
    function share(
        bytes32 insightId,
        address friendKey,
        bytes32 envelopeDigest,
        uint256 deadline,
        bytes calldata signature
    ) external returns (bytes32 shareId);

    /// @notice Names the custodians of a consent's subject key (each holds a copy or share of it) and how many of
    ///         them must attest its destruction, once per consent.
    ///
    /// Requirements: the caller is the consent's controller (a DataUsage contract it created); 1 <= threshold <= n <=
    /// MAX_CUSTODIANS custodians, each a member holding the consortium's KEY_CUSTODIAN role (granted by governance: a
    /// strict majority of the governors), in ascending address order (so none twice); none named for it before.
    ///
    /// Emits a {CustodiansNamed} event.
    function nameCustodians(bytes32 consentId, address[] calldata custodians, uint8 threshold) external;

    /// @notice Opens the erasure of a consent's subject key on the subject's request: from this block on each
    ///         custodian's agent destroys its copy and attests it.
    ///
    /// Requirements: the caller is the consent's controller; custodians are named; no erasure requested before.
    ///
    /// Emits an {ErasureRequested} event.
    function requestErasure(bytes32 consentId) external;

    /// @notice A custodian co-signs that it destroyed its copy of the consent's subject key. At `threshold` distinct
    ///         custodians the erasure becomes `Attested`, with the block's time.
    ///
    /// Requirements: the caller is a named custodian of the consent that has not attested before (refused by name
    /// even after completion); an erasure is requested and not yet attested; `destructionDigest` (keccak256 of the custodian's own destruction record)
    /// is not 0.
    ///
    /// Emits a {CustodianAttested} event, and an {ErasureAttested} event at the threshold.
    function attestErasure(bytes32 consentId, bytes32 destructionDigest) external;

    /// @notice Whether a friend key is registered.
    function isFriendKey(address key) external view returns (bool);

    /// @notice One share; `from` 0 when unknown.
    function shareOf(bytes32 shareId) external view returns (Share memory);

    /// @notice The id `share` gives.
    function shareIdOf(bytes32 insightId, address friendKey) external pure returns (bytes32);

    /// @notice The EIP-712 digest a friend signs to register its key.
    function friendKeyDigest(address key) external view returns (bytes32);

    /// @notice The EIP-712 digest the subscriber signs to share an insight.
    function shareDigest(
        bytes32 insightId,
        address friendKey,
        bytes32 envelopeDigest,
        uint256 deadline
    ) external view returns (bytes32);

    /// @notice A consent's custodians and threshold (none: an empty list).
    function custodyOf(bytes32 consentId) external view returns (Custody memory);

    /// @notice The state of a consent's key erasure: when requested, by whom attested so far, when attested.
    function keyErasureOf(bytes32 consentId) external view returns (KeyErasure memory);

    /// @notice When `custodian` attested the destruction of its copy of the consent's key (0: not yet).
    function attestedAt(bytes32 consentId, address custodian) external view returns (uint64);

    /// @notice The contract's version, "1.4.0".
    function version() external pure returns (string memory);
}
