// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

// The subscriber insights market: offers under a live consent, direct and brokered purchases in the settlement token,
// replay-proof purchase ids, and erasure records after crypto-shredding (docs/datausage.md).
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {IConsortiumRegistry} from "../membership/IConsortiumRegistry.sol";
import {Roles} from "../membership/Roles.sol";
import {IDataUsage} from "./IDataUsage.sol";
import {IInsightsMarket} from "./IInsightsMarket.sol";

contract InsightsMarket is IInsightsMarket, EIP712 {
    using SafeERC20 for IERC20;

    /// @dev 100% in basis points: a broker's share can never exceed the price.
    uint16 public constant MAX_SHARE_BPS = 10_000;
    /// @dev Bounds one erasure call, so its gas stays bounded.
    uint256 public constant MAX_ERASE = 64;
    /// @dev An uncompressed SEC1 P-256 public key: 0x04 || x || y.
    uint256 private constant DELIVERY_KEY_LENGTH = 65;
    bytes32 private constant SUBSCRIBER_KEY_TYPEHASH = keccak256("SubscriberKey(bytes32 consentId)");
    /// @dev Bounds one bundle, so a bundle purchase's gas stays bounded.
    uint256 public constant MAX_BUNDLE = 16;
    bytes32 private constant ENTRUST_TYPEHASH = keccak256(
        "Entrustment(bytes32 insightId,address broker,uint16 subscriberShareBps,uint256 deadline)"
    );
    bytes32 private constant ANSWER_TYPEHASH = keccak256(
        "InsightAnswer(bytes32 insightId,bool accepted,bytes32 locationDigest,uint256 deadline)"
    );

    bytes32 private constant FRIEND_KEY_TYPEHASH = keccak256("FriendKey(address key)");
    bytes32 private constant SHARE_TYPEHASH = keccak256(
        "InsightShare(bytes32 insightId,address friendKey,bytes32 envelopeDigest,uint256 deadline)"
    );
    /// @dev Bounds a consent's custodians, so their checks stay cheap.
    uint256 public constant MAX_CUSTODIANS = 16;

    IConsortiumRegistry private immutable CONSORTIUM;
    IDataUsage private immutable USAGE;
    IERC20 private immutable TOKEN;

    mapping(bytes32 insightId => Insight) private _insights;
    mapping(bytes32 insightId => mapping(address broker => Listing)) private _listings;
    mapping(bytes32 purchaseId => Purchase) private _purchases;
    mapping(bytes32 consentId => address) private _subscriberKeys;
    mapping(bytes32 insightId => Answer) private _answers;
    mapping(bytes32 insightId => mapping(address broker => Entrustment)) private _entrustments;
    mapping(bytes32 bundleId => Bundle) private _bundles;
    mapping(bytes32 bundlePurchaseId => BundlePurchase) private _bundlePurchases;
    mapping(bytes32 bundlePurchaseId => mapping(bytes32 insightId => uint256 amount)) private _subscriberPaid;
    mapping(address key => bool) private _friendKeys;
    mapping(bytes32 shareId => Share) private _shares;
    mapping(bytes32 consentId => Custody) private _custody;
    mapping(bytes32 consentId => mapping(address custodian => bool)) private _isCustodian;
    mapping(bytes32 consentId => KeyErasure) private _keyErasures;
    mapping(bytes32 consentId => mapping(address custodian => uint64 at)) private _attestedAt;

    constructor(
        IConsortiumRegistry consortium_,
        IDataUsage usage_,
        IERC20 token_
    ) EIP712("telco-ledger InsightsMarket", "1") {
        if (address(consortium_) == address(0) || address(usage_) == address(0) || address(token_) == address(0)) {
            revert ZeroDependency();
        }
        CONSORTIUM = consortium_;
        USAGE = usage_;
        TOKEN = token_;
    }

    /// @inheritdoc IInsightsMarket
    function offer(
        bytes32 consentId,
        bytes32 nonce,
        bytes32 contentDigest,
        uint256 price
    ) external returns (bytes32 insightId) {
        if (!CONSORTIUM.isMember(msg.sender)) revert NotMember(msg.sender);
        if (nonce == bytes32(0)) revert EmptyDigest("nonce");
        if (contentDigest == bytes32(0)) revert EmptyDigest("contentDigest");
        if (USAGE.usageContract(consentId).controller != msg.sender) revert ConsentNotHeld(consentId, msg.sender);
        if (!USAGE.isActive(consentId)) revert ConsentInactive(consentId);
        insightId = insightIdOf(msg.sender, consentId, nonce, contentDigest);
        if (_insights[insightId].controller != address(0)) revert InsightExists(insightId);
        _insights[insightId] = Insight({
            controller: msg.sender,
            offeredAt: uint64(block.timestamp),
            erasedAt: 0,
            consentId: consentId,
            contentDigest: contentDigest,
            erasureDigest: bytes32(0),
            price: price
        });
        emit InsightOffered(insightId, msg.sender, consentId, contentDigest, price);
    }

    /// @inheritdoc IInsightsMarket
    function list(bytes32 insightId, address broker, uint256 price, uint16 brokerShareBps) external {
        Insight storage i = _controlled(insightId);
        if (brokerShareBps > MAX_SHARE_BPS) revert BrokerShareTooHigh(brokerShareBps, MAX_SHARE_BPS);
        if (broker == address(0) || broker == msg.sender || !CONSORTIUM.isMember(broker)) revert BadBroker(broker);
        if (i.erasedAt != 0) revert InsightErased(insightId, i.erasedAt);
        _notDeclined(insightId);
        _listings[insightId][broker] = Listing({price: price, brokerShareBps: brokerShareBps, listed: true});
        emit InsightListed(insightId, broker, price, brokerShareBps);
    }

    /// @inheritdoc IInsightsMarket
    function purchase(
        bytes32 insightId,
        address broker,
        uint256 maxPrice,
        bytes calldata deliveryKey
    ) external returns (bytes32 purchaseId) {
        if (!CONSORTIUM.isMember(msg.sender)) revert NotMember(msg.sender);
        Insight storage i = _insights[insightId];
        address controller = i.controller;
        if (controller == address(0)) revert UnknownInsight(insightId);
        if (i.erasedAt != 0) revert InsightErased(insightId, i.erasedAt);
        if (controller == msg.sender) revert SelfPurchase(msg.sender);
        _notDeclined(insightId);
        if (!USAGE.isActive(i.consentId)) revert ConsentInactive(i.consentId);
        if (deliveryKey.length != DELIVERY_KEY_LENGTH) revert BadDeliveryKey(deliveryKey.length);
        purchaseId = purchaseIdOf(insightId, msg.sender);
        if (_purchases[purchaseId].buyer != address(0)) revert PurchaseReplayed(purchaseId);
        uint256 price = i.price;
        uint256 brokerAmount = 0;
        if (broker != address(0)) {
            Listing storage brokered = _listings[insightId][broker];
            if (!brokered.listed) revert NotListed(insightId, broker);
            price = brokered.price;
            brokerAmount = (price * brokered.brokerShareBps) / MAX_SHARE_BPS;
        }
        if (price > maxPrice) revert PriceAboveLimit(price, maxPrice);
        _purchases[purchaseId] = Purchase({
            buyer: msg.sender,
            broker: broker,
            purchasedAt: uint64(block.timestamp),
            insightId: insightId,
            deliveryKeyHash: keccak256(deliveryKey),
            price: price,
            brokerAmount: brokerAmount
        });
        emit InsightPurchased(purchaseId, insightId, msg.sender, broker, price, brokerAmount, deliveryKey);
        // Effects first, then the token: straight from the buyer's allowance to the payees, nothing held here.
        if (brokerAmount != 0) TOKEN.safeTransferFrom(msg.sender, broker, brokerAmount);
        if (price - brokerAmount != 0) TOKEN.safeTransferFrom(msg.sender, controller, price - brokerAmount);
    }

    /// @inheritdoc IInsightsMarket
    function erase(bytes32[] calldata insightIds, bytes32 erasureDigest) external {
        if (insightIds.length == 0 || erasureDigest == bytes32(0)) revert EmptyDigest("erasure");
        if (insightIds.length > MAX_ERASE) revert TooManyInsights(insightIds.length, MAX_ERASE);
        for (uint256 k = 0; k < insightIds.length; ++k) {
            Insight storage i = _controlled(insightIds[k]);
            if (i.erasedAt != 0) revert InsightErased(insightIds[k], i.erasedAt);
            i.erasedAt = uint64(block.timestamp);
            i.erasureDigest = erasureDigest;
            emit ErasureRecorded(insightIds[k], msg.sender, erasureDigest, uint64(block.timestamp));
        }
    }

    /// @inheritdoc IInsightsMarket
    function registerSubscriberKey(bytes32 consentId, bytes calldata publicKey, bytes calldata signature) external {
        if (!CONSORTIUM.isMember(msg.sender)) revert NotMember(msg.sender);
        if (USAGE.usageContract(consentId).controller == address(0) || !USAGE.isActive(consentId)) {
            revert ConsentInactive(consentId);
        }
        address key = _keyAddress(publicKey);
        address existing = _subscriberKeys[consentId];
        if (existing != address(0)) revert SubscriberKeyExists(consentId, existing);
        (address signer, , ) = ECDSA.tryRecover(subscriberKeyDigest(consentId), signature);
        if (signer != key) revert BadSubscriberSignature(signer, key);
        _subscriberKeys[consentId] = key;
        emit SubscriberKeyRegistered(consentId, key, publicKey, msg.sender);
    }

    /// @inheritdoc IInsightsMarket
    function answer(
        bytes32 insightId,
        bool accepted,
        bytes32 locationDigest,
        uint256 deadline,
        bytes calldata signature
    ) external {
        Insight storage i = _controlled(insightId);
        if (i.erasedAt != 0) revert InsightErased(insightId, i.erasedAt);
        // solhint-disable-next-line not-rely-on-time
        if (deadline < block.timestamp) revert SignatureExpired(deadline, block.timestamp);
        address key = _subscriberKeys[i.consentId];
        if (key == address(0)) revert NoSubscriberKey(i.consentId);
        Answer storage a = _answers[insightId];
        if (a.answeredAt != 0) revert AlreadyAnswered(insightId, a.accepted);
        bytes32 digest = answerDigest(insightId, accepted, locationDigest, deadline);
        (address signer, , ) = ECDSA.tryRecover(digest, signature);
        if (signer != key) revert BadSubscriberSignature(signer, key);
        a.accepted = accepted;
        a.answeredAt = uint64(block.timestamp);
        a.locationDigest = locationDigest;
        emit InsightAnswered(insightId, i.consentId, key, accepted, locationDigest);
    }

    /// @inheritdoc IInsightsMarket
    function recordReading(bytes32 insightId, bytes32 readerFingerprint) external {
        Insight storage i = _controlled(insightId);
        if (i.erasedAt != 0) revert InsightErased(insightId, i.erasedAt);
        if (!_answers[insightId].accepted) revert NotAccepted(insightId);
        if (readerFingerprint == bytes32(0)) revert EmptyDigest("readerFingerprint");
        emit InsightRead(insightId, readerFingerprint, msg.sender, uint64(block.timestamp));
    }

    /// @inheritdoc IInsightsMarket
    function entrust(
        bytes32 insightId,
        address broker,
        uint16 subscriberShareBps,
        uint256 deadline,
        bytes calldata signature
    ) external {
        if (!CONSORTIUM.isMember(msg.sender)) revert NotMember(msg.sender);
        Insight storage i = _insights[insightId];
        if (i.controller == address(0)) revert UnknownInsight(insightId);
        if (i.erasedAt != 0) revert InsightErased(insightId, i.erasedAt);
        if (!_answers[insightId].accepted) revert NotAccepted(insightId);
        if (broker == address(0) || !CONSORTIUM.isMember(broker)) revert BadBroker(broker);
        if (subscriberShareBps > MAX_SHARE_BPS) revert ShareTooHigh(subscriberShareBps, MAX_SHARE_BPS);
        // solhint-disable-next-line not-rely-on-time
        if (deadline < block.timestamp) revert SignatureExpired(deadline, block.timestamp);
        Entrustment storage e = _entrustments[insightId][broker];
        if (e.entrustedAt != 0) revert AlreadyEntrusted(insightId, broker);
        address key = _subscriberKeys[i.consentId];
        (address signer, , ) = ECDSA.tryRecover(
            entrustDigest(insightId, broker, subscriberShareBps, deadline),
            signature
        );
        if (signer != key) revert BadSubscriberSignature(signer, key);
        e.subscriberShareBps = subscriberShareBps;
        e.entrustedAt = uint64(block.timestamp);
        emit InsightEntrusted(insightId, broker, key, subscriberShareBps);
    }

    /// @inheritdoc IInsightsMarket
    function createBundle(
        bytes32 nonce,
        bytes32[] calldata insightIds,
        uint256 price
    ) external returns (bytes32 bundleId) {
        if (!CONSORTIUM.isMember(msg.sender)) revert NotMember(msg.sender);
        if (nonce == bytes32(0)) revert EmptyDigest("nonce");
        if (insightIds.length == 0 || insightIds.length > MAX_BUNDLE) revert BundleSize(insightIds.length, MAX_BUNDLE);
        for (uint256 k = 0; k < insightIds.length; ++k) {
            // Ascending ids: no insight twice, checked in one pass.
            if (k != 0 && insightIds[k] <= insightIds[k - 1]) revert InsightsNotAscending(k);
            if (_entrustments[insightIds[k]][msg.sender].entrustedAt == 0) {
                revert NotEntrusted(insightIds[k], msg.sender);
            }
            uint64 erasedAt = _insights[insightIds[k]].erasedAt;
            if (erasedAt != 0) revert InsightErased(insightIds[k], erasedAt);
        }
        bundleId = bundleIdOf(msg.sender, nonce, insightIds);
        if (_bundles[bundleId].broker != address(0)) revert BundleExists(bundleId);
        Bundle storage b = _bundles[bundleId];
        b.broker = msg.sender;
        b.createdAt = uint64(block.timestamp);
        b.price = price;
        b.insightIds = insightIds;
        emit BundleCreated(bundleId, msg.sender, price, insightIds);
    }

    /// @inheritdoc IInsightsMarket
    function purchaseBundle(
        bytes32 bundleId,
        uint256 maxPrice,
        bytes calldata deliveryKey
    ) external returns (bytes32 bundlePurchaseId) {
        if (!CONSORTIUM.isMember(msg.sender)) revert NotMember(msg.sender);
        Bundle storage b = _bundles[bundleId];
        address broker = b.broker;
        if (broker == address(0)) revert UnknownBundle(bundleId);
        if (broker == msg.sender) revert SelfPurchase(msg.sender);
        uint256 price = b.price;
        if (price > maxPrice) revert PriceAboveLimit(price, maxPrice);
        if (deliveryKey.length != DELIVERY_KEY_LENGTH) revert BadDeliveryKey(deliveryKey.length);
        bundlePurchaseId = bundlePurchaseIdOf(bundleId, msg.sender);
        if (_bundlePurchases[bundlePurchaseId].buyer != address(0)) revert PurchaseReplayed(bundlePurchaseId);
        (address[] memory payees, uint256[] memory amounts, uint256 paidToSubscribers) = _sellAll(
            b.insightIds,
            bundlePurchaseId,
            broker,
            price / b.insightIds.length,
            deliveryKey
        );
        uint256 brokerAmount = price - paidToSubscribers;
        _bundlePurchases[bundlePurchaseId] = BundlePurchase({
            buyer: msg.sender,
            purchasedAt: uint64(block.timestamp),
            bundleId: bundleId,
            price: price,
            brokerAmount: brokerAmount
        });
        emit BundlePurchased(bundlePurchaseId, bundleId, msg.sender, price, brokerAmount);
        // Effects first, then the token: each share straight from the buyer's allowance to its payee (SafeERC20
        // checks every transfer), nothing held here.
        for (uint256 k = 0; k < payees.length; ++k) {
            if (amounts[k] != 0) TOKEN.safeTransferFrom(msg.sender, payees[k], amounts[k]);
        }
        if (brokerAmount != 0) TOKEN.safeTransferFrom(msg.sender, broker, brokerAmount);
    }

    /// @inheritdoc IInsightsMarket
    function registerFriendKey(bytes calldata publicKey, bytes calldata signature) external {
        if (!CONSORTIUM.isMember(msg.sender)) revert NotMember(msg.sender);
        address key = _keyAddress(publicKey);
        if (_friendKeys[key]) revert FriendKeyExists(key);
        (address signer, , ) = ECDSA.tryRecover(friendKeyDigest(key), signature);
        if (signer != key) revert BadSubscriberSignature(signer, key);
        _friendKeys[key] = true;
        emit FriendKeyRegistered(key, publicKey, msg.sender);
    }

    /// @inheritdoc IInsightsMarket
    function share(
        bytes32 insightId,
        address friendKey,
        bytes32 envelopeDigest,
        uint256 deadline,
        bytes calldata signature
    ) external returns (bytes32 shareId) {
        if (!CONSORTIUM.isMember(msg.sender)) revert NotMember(msg.sender);
        Insight storage i = _insights[insightId];
        if (i.controller == address(0)) revert UnknownInsight(insightId);
        if (i.erasedAt != 0) revert InsightErased(insightId, i.erasedAt);
        if (!_answers[insightId].accepted) revert NotAccepted(insightId);
        if (!USAGE.isActive(i.consentId)) revert ConsentInactive(i.consentId);
        if (envelopeDigest == bytes32(0)) revert EmptyDigest("envelopeDigest");
        if (!_friendKeys[friendKey]) revert FriendKeyNotRegistered(friendKey);
        address holder = _subscriberKeys[i.consentId];
        if (friendKey == holder) revert SelfShare(friendKey);
        // solhint-disable-next-line not-rely-on-time
        if (deadline < block.timestamp) revert SignatureExpired(deadline, block.timestamp);
        (address signer, , ) = ECDSA.tryRecover(shareDigest(insightId, friendKey, envelopeDigest, deadline), signature);
        if (signer != holder) revert BadSubscriberSignature(signer, holder);
        shareId = shareIdOf(insightId, friendKey);
        if (_shares[shareId].from != address(0)) revert ShareExists(shareId);
        _shares[shareId] = Share({
            from: holder,
            friendKey: friendKey,
            sharedAt: uint64(block.timestamp),
            insightId: insightId,
            envelopeDigest: envelopeDigest
        });
        emit InsightShared(shareId, insightId, friendKey, holder, envelopeDigest, msg.sender);
    }

    /// @inheritdoc IInsightsMarket
    function nameCustodians(bytes32 consentId, address[] calldata custodians, uint8 threshold) external {
        if (USAGE.usageContract(consentId).controller != msg.sender) revert ConsentNotHeld(consentId, msg.sender);
        Custody storage c = _custody[consentId];
        if (c.threshold != 0) revert CustodiansExist(consentId);
        uint256 n = custodians.length;
        if (threshold == 0 || threshold > n || n > MAX_CUSTODIANS) revert BadCustody(n, threshold, MAX_CUSTODIANS);
        for (uint256 k = 0; k < n; ++k) {
            address custodian = custodians[k];
            // Ascending addresses: no custodian twice, checked in one pass. Only members the consortium approved as key
            // custodians (the KEY_CUSTODIAN role, granted by a governors' majority) guard a key.
            if ((k != 0 && custodian <= custodians[k - 1]) || !CONSORTIUM.hasRole(custodian, Roles.KEY_CUSTODIAN)) {
                revert BadCustodian(k, custodian);
            }
            _isCustodian[consentId][custodian] = true;
        }
        c.custodians = custodians;
        c.threshold = threshold;
        emit CustodiansNamed(consentId, msg.sender, custodians, threshold);
    }

    /// @inheritdoc IInsightsMarket
    function requestErasure(bytes32 consentId) external {
        if (USAGE.usageContract(consentId).controller != msg.sender) revert ConsentNotHeld(consentId, msg.sender);
        if (_custody[consentId].threshold == 0) revert NoCustodians(consentId);
        KeyErasure storage e = _keyErasures[consentId];
        if (e.status != ErasureStatus.None) revert ErasureAlreadyRequested(consentId, e.requestedAt);
        e.status = ErasureStatus.Requested;
        e.requestedAt = uint64(block.timestamp);
        emit ErasureRequested(consentId, msg.sender, uint64(block.timestamp));
    }

    /// @inheritdoc IInsightsMarket
    function attestErasure(bytes32 consentId, bytes32 destructionDigest) external {
        if (!_isCustodian[consentId][msg.sender]) revert NotCustodian(consentId, msg.sender);
        uint64 earlier = _attestedAt[consentId][msg.sender];
        if (earlier != 0) revert AlreadyAttested(consentId, msg.sender, earlier);
        KeyErasure storage e = _keyErasures[consentId];
        if (e.status == ErasureStatus.None) revert ErasureNotRequested(consentId);
        if (e.status == ErasureStatus.Attested) revert ErasureComplete(consentId, e.attestedAt);
        if (destructionDigest == bytes32(0)) revert EmptyDigest("destructionDigest");
        uint64 at = uint64(block.timestamp);
        _attestedAt[consentId][msg.sender] = at;
        e.attestedBy.push(msg.sender);
        uint8 count = e.attestations + 1;
        e.attestations = count;
        emit CustodianAttested(consentId, msg.sender, destructionDigest, count, at);
        if (count >= _custody[consentId].threshold) {
            e.status = ErasureStatus.Attested;
            e.attestedAt = at;
            emit ErasureAttested(consentId, count, at);
        }
    }

    /// @inheritdoc IInsightsMarket
    function isFriendKey(address key) external view returns (bool) {
        return _friendKeys[key];
    }

    /// @inheritdoc IInsightsMarket
    function shareOf(bytes32 shareId) external view returns (Share memory) {
        return _shares[shareId];
    }

    /// @inheritdoc IInsightsMarket
    function shareIdOf(bytes32 insightId, address friendKey) public pure returns (bytes32) {
        return keccak256(abi.encode(insightId, friendKey));
    }

    /// @inheritdoc IInsightsMarket
    function friendKeyDigest(address key) public view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(FRIEND_KEY_TYPEHASH, key)));
    }

    /// @inheritdoc IInsightsMarket
    function shareDigest(
        bytes32 insightId,
        address friendKey,
        bytes32 envelopeDigest,
        uint256 deadline
    ) public view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(SHARE_TYPEHASH, insightId, friendKey, envelopeDigest, deadline)));
    }

    /// @inheritdoc IInsightsMarket
    function custodyOf(bytes32 consentId) external view returns (Custody memory) {
        return _custody[consentId];
    }

    /// @inheritdoc IInsightsMarket
    function keyErasureOf(bytes32 consentId) external view returns (KeyErasure memory) {
        return _keyErasures[consentId];
    }

    /// @inheritdoc IInsightsMarket
    function attestedAt(bytes32 consentId, address custodian) external view returns (uint64) {
        return _attestedAt[consentId][custodian];
    }

    /// @inheritdoc IInsightsMarket
    function entrustmentOf(bytes32 insightId, address broker) external view returns (Entrustment memory) {
        return _entrustments[insightId][broker];
    }

    /// @inheritdoc IInsightsMarket
    function bundleOf(bytes32 bundleId) external view returns (Bundle memory) {
        return _bundles[bundleId];
    }

    /// @inheritdoc IInsightsMarket
    function bundlePurchaseOf(bytes32 bundlePurchaseId) external view returns (BundlePurchase memory) {
        return _bundlePurchases[bundlePurchaseId];
    }

    /// @inheritdoc IInsightsMarket
    function subscriberPaidOf(bytes32 bundlePurchaseId, bytes32 insightId) external view returns (uint256) {
        return _subscriberPaid[bundlePurchaseId][insightId];
    }

    /// @inheritdoc IInsightsMarket
    function entrustDigest(
        bytes32 insightId,
        address broker,
        uint16 subscriberShareBps,
        uint256 deadline
    ) public view returns (bytes32) {
        return
            _hashTypedDataV4(keccak256(abi.encode(ENTRUST_TYPEHASH, insightId, broker, subscriberShareBps, deadline)));
    }

    /// @inheritdoc IInsightsMarket
    function bundleIdOf(address broker, bytes32 nonce, bytes32[] calldata insightIds) public view returns (bytes32) {
        return keccak256(abi.encode(block.chainid, address(this), broker, nonce, insightIds));
    }

    /// @inheritdoc IInsightsMarket
    function bundlePurchaseIdOf(bytes32 bundleId, address buyer) public pure returns (bytes32) {
        return keccak256(abi.encode(bundleId, buyer));
    }

    /// @inheritdoc IInsightsMarket
    function subscriberKeyOf(bytes32 consentId) external view returns (address) {
        return _subscriberKeys[consentId];
    }

    /// @inheritdoc IInsightsMarket
    function answerOf(bytes32 insightId) external view returns (Answer memory) {
        return _answers[insightId];
    }

    /// @inheritdoc IInsightsMarket
    function subscriberKeyDigest(bytes32 consentId) public view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(SUBSCRIBER_KEY_TYPEHASH, consentId)));
    }

    /// @inheritdoc IInsightsMarket
    function answerDigest(
        bytes32 insightId,
        bool accepted,
        bytes32 locationDigest,
        uint256 deadline
    ) public view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(ANSWER_TYPEHASH, insightId, accepted, locationDigest, deadline)));
    }

    /// @inheritdoc IInsightsMarket
    function insight(bytes32 insightId) external view returns (Insight memory) {
        return _insights[insightId];
    }

    /// @inheritdoc IInsightsMarket
    function listing(bytes32 insightId, address broker) external view returns (Listing memory) {
        return _listings[insightId][broker];
    }

    /// @inheritdoc IInsightsMarket
    function purchaseOf(bytes32 purchaseId) external view returns (Purchase memory) {
        return _purchases[purchaseId];
    }

    /// @inheritdoc IInsightsMarket
    function accessOf(bytes32 purchaseId) external view returns (Purchase memory p) {
        p = _purchases[purchaseId];
        if (p.buyer == address(0)) revert UnknownInsight(purchaseId);
        uint64 erasedAt = _insights[p.insightId].erasedAt;
        if (erasedAt != 0) revert InsightErased(p.insightId, erasedAt);
    }

    /// @inheritdoc IInsightsMarket
    function insightIdOf(
        address controller,
        bytes32 consentId,
        bytes32 nonce,
        bytes32 contentDigest
    ) public view returns (bytes32) {
        return keccak256(abi.encode(block.chainid, address(this), controller, consentId, nonce, contentDigest));
    }

    /// @inheritdoc IInsightsMarket
    function purchaseIdOf(bytes32 insightId, address buyer) public pure returns (bytes32) {
        return keccak256(abi.encode(insightId, buyer));
    }

    /// @inheritdoc IInsightsMarket
    function version() external pure returns (string memory) {
        return "1.4.0";
    }

    /// @dev Every insight of a bundle being bought, each at `portion`: the subscribers' keys and shares, and their sum.
    function _sellAll(
        bytes32[] storage insightIds,
        bytes32 bundlePurchaseId,
        address broker,
        uint256 portion,
        bytes calldata deliveryKey
    ) private returns (address[] memory payees, uint256[] memory amounts, uint256 paid) {
        payees = new address[](insightIds.length);
        amounts = new uint256[](insightIds.length);
        for (uint256 k = 0; k < insightIds.length; ++k) {
            (payees[k], amounts[k]) = _sellInBundle(bundlePurchaseId, insightIds[k], broker, portion, deliveryKey);
            paid += amounts[k];
        }
    }

    /// @dev One insight of a bundle being bought: checks it is still sellable, records the buyer's purchase of it (for
    ///      its delivery) and the subscriber's share; answers the subscriber's key and that share.
    function _sellInBundle(
        bytes32 bundlePurchaseId,
        bytes32 insightId,
        address broker,
        uint256 portion,
        bytes calldata deliveryKey
    ) private returns (address key, uint256 amount) {
        Insight storage i = _insights[insightId];
        if (i.erasedAt != 0) revert InsightErased(insightId, i.erasedAt);
        if (!USAGE.isActive(i.consentId)) revert ConsentInactive(i.consentId);
        bytes32 purchaseId = purchaseIdOf(insightId, msg.sender);
        if (_purchases[purchaseId].buyer != address(0)) revert PurchaseReplayed(purchaseId);
        key = _subscriberKeys[i.consentId];
        amount = (portion * _entrustments[insightId][broker].subscriberShareBps) / MAX_SHARE_BPS;
        _purchases[purchaseId] = Purchase({
            buyer: msg.sender,
            broker: broker,
            purchasedAt: uint64(block.timestamp),
            insightId: insightId,
            deliveryKeyHash: keccak256(deliveryKey),
            price: portion,
            brokerAmount: portion - amount
        });
        _subscriberPaid[bundlePurchaseId][insightId] = amount;
        emit InsightPurchased(purchaseId, insightId, msg.sender, broker, portion, portion - amount, deliveryKey);
        emit SubscriberPaid(bundlePurchaseId, insightId, key, amount);
    }

    /// @dev The address of an uncompressed secp256k1 public key, refused when malformed or a member's own account.
    function _keyAddress(bytes calldata publicKey) private view returns (address key) {
        if (publicKey.length != DELIVERY_KEY_LENGTH || publicKey[0] != 0x04) revert BadPublicKey(publicKey.length);
        key = address(uint160(uint256(keccak256(publicKey[1:]))));
        if (CONSORTIUM.isMember(key)) revert MemberKey(key);
    }

    function _notDeclined(bytes32 insightId) private view {
        Answer storage a = _answers[insightId];
        if (a.answeredAt != 0 && !a.accepted) revert InsightDeclined(insightId);
    }

    function _controlled(bytes32 insightId) private view returns (Insight storage i) {
        i = _insights[insightId];
        if (i.controller == address(0)) revert UnknownInsight(insightId);
        if (i.controller != msg.sender) revert NotController(insightId, msg.sender);
    }
}
