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

    /// @notice The contract's version, "1.2.0".
    function version() external pure returns (string memory);
}
