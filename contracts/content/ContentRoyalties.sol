// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

// Delivery-metered royalties paid into pull-based splits in the settlement token (see IContentRoyalties).
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IContentLicences} from "./IContentLicences.sol";
import {IContentRegistry} from "./IContentRegistry.sol";
import {IContentRoyalties} from "./IContentRoyalties.sol";

contract ContentRoyalties is IContentRoyalties {
    using SafeERC20 for IERC20;

    uint16 private constant WHOLE = 10_000;
    /// @notice The most recipients one split may list (declaring is linear in them, claiming is not).
    uint256 public constant MAX_RECIPIENTS = 2_000;
    /// @notice The most splits one claimMany may take (bounds the call's gas).
    uint256 public constant MAX_CLAIMS_AT_ONCE = 200;

    struct Split {
        uint256 tokenId;
        uint64 shareVersion;
        uint256 received;
    }

    IContentRegistry private immutable REGISTRY;
    IContentLicences private immutable LICENCES;
    IERC20 private immutable TOKEN;
    mapping(bytes32 splitId => Split) private _splits;
    mapping(bytes32 splitId => mapping(address recipient => uint16 bps)) private _bps;
    mapping(bytes32 splitId => mapping(address recipient => uint256 amount)) private _claimed;
    mapping(uint256 tokenId => bytes32 splitId) private _current;
    mapping(bytes32 licenceId => mapping(uint32 period => uint256 amount)) private _paid;
    mapping(bytes32 licenceId => mapping(uint32 period => uint32 deliveries)) private _attributed;

    /// @param registry_ The works.
    /// @param licences_ The licences whose anchored deliveries are paid for.
    /// @param token_ The consortium's settlement token.
    constructor(IContentRegistry registry_, IContentLicences licences_, IERC20 token_) {
        if (address(registry_) == address(0)) revert InvalidSplitArgument("registry");
        if (address(licences_) == address(0)) revert InvalidSplitArgument("licences");
        if (address(token_) == address(0)) revert InvalidSplitArgument("token");
        REGISTRY = registry_;
        LICENCES = licences_;
        TOKEN = token_;
    }

    /// @inheritdoc IContentRoyalties
    function declareSplit(
        uint256 tokenId,
        address[] calldata recipients,
        uint16[] calldata bps
    ) external returns (bytes32 splitId) {
        address holder = REGISTRY.ownerOf(tokenId);
        if (holder != msg.sender) revert NotWorkHolder(msg.sender, tokenId);
        uint256 count = recipients.length;
        if (count == 0 || count > MAX_RECIPIENTS) revert InvalidSplitArgument("recipients");
        if (bps.length != count) revert InvalidSplitArgument("bps");
        uint64 shareVersion = REGISTRY.shareVersion(tokenId);
        splitId = keccak256(abi.encode(address(this), tokenId, shareVersion, recipients, bps));
        if (_splits[splitId].tokenId == 0) _record(splitId, tokenId, shareVersion, holder, recipients, bps);
        _current[tokenId] = splitId;
        emit SplitDeclared(splitId, tokenId, shareVersion, recipients, bps);
    }

    /// @inheritdoc IContentRoyalties
    function payRoyalties(bytes32 licenceId, uint32 period) external returns (uint256 amount) {
        IContentLicences.Licence memory paidFor = LICENCES.licence(licenceId);
        if (paidFor.licensee != msg.sender) revert NotPayer(msg.sender, licenceId);
        uint32 delivered = LICENCES.deliveries(licenceId, period);
        uint256 owed = uint256(delivered) * paidFor.terms.ratePerDelivery;
        amount = owed - _paid[licenceId][period];
        if (amount == 0) revert NothingDue(licenceId, period);
        bytes32 splitId = _current[paidFor.tokenId];
        uint64 shareVersion = REGISTRY.shareVersion(paidFor.tokenId);
        if (splitId == bytes32(0) || _splits[splitId].shareVersion != shareVersion) {
            revert SplitNotDeclared(paidFor.tokenId, shareVersion);
        }
        _paid[licenceId][period] = owed;
        _splits[splitId].received += amount;
        emit RoyaltiesPaid(licenceId, period, splitId, paidFor.tokenId, delivered, amount);
        TOKEN.safeTransferFrom(msg.sender, address(this), amount);
    }

    /// @inheritdoc IContentRoyalties
    function tip(uint256 tokenId, uint256 amount, bytes32 userRef) external returns (bytes32 splitId) {
        if (amount == 0) revert InvalidSplitArgument("amount");
        splitId = _current[tokenId];
        uint64 shareVersion = REGISTRY.shareVersion(tokenId);
        if (splitId == bytes32(0) || _splits[splitId].shareVersion != shareVersion) {
            revert SplitNotDeclared(tokenId, shareVersion);
        }
        _splits[splitId].received += amount;
        emit TipPaid(tokenId, splitId, msg.sender, amount, userRef);
        TOKEN.safeTransferFrom(msg.sender, address(this), amount);
    }

    /// @inheritdoc IContentRoyalties
    function claim(bytes32 splitId) external returns (uint256 amount) {
        amount = _take(splitId);
        if (amount == 0) revert AlreadyClaimed(splitId, msg.sender, _claimed[splitId][msg.sender]);
        TOKEN.safeTransfer(msg.sender, amount);
    }

    /// @inheritdoc IContentRoyalties
    function claimMany(bytes32[] calldata splitIds) external returns (uint256 amount) {
        uint256 count = splitIds.length;
        if (count == 0 || count > MAX_CLAIMS_AT_ONCE) revert InvalidSplitArgument("splitIds");
        for (uint256 i = 0; i < count; ++i) amount += _take(splitIds[i]);
        if (amount == 0) revert AlreadyClaimed(splitIds[0], msg.sender, _claimed[splitIds[0]][msg.sender]);
        TOKEN.safeTransfer(msg.sender, amount);
    }

    /// @inheritdoc IContentRoyalties
    function payPromoterFees(
        bytes32 licenceId,
        uint32 period,
        address promoter,
        uint32 deliveries,
        uint256 feePerDelivery
    ) external returns (uint256 amount) {
        IContentLicences.Licence memory paidFor = LICENCES.licence(licenceId);
        if (paidFor.licensee != msg.sender) revert NotPayer(msg.sender, licenceId);
        if (promoter == address(0) || promoter == msg.sender) revert InvalidSplitArgument("promoter");
        if (deliveries == 0) revert InvalidSplitArgument("deliveries");
        if (feePerDelivery == 0) revert InvalidSplitArgument("feePerDelivery");
        uint32 anchored = LICENCES.deliveries(licenceId, period);
        uint32 already = _attributed[licenceId][period];
        if (uint256(already) + deliveries > anchored) {
            revert AttributionExceedsDeliveries(licenceId, period, already, deliveries, anchored);
        }
        _attributed[licenceId][period] = already + deliveries;
        amount = uint256(deliveries) * feePerDelivery;
        emit PromoterFeePaid(licenceId, period, promoter, deliveries, feePerDelivery, amount);
        TOKEN.safeTransferFrom(msg.sender, promoter, amount);
    }

    /// @inheritdoc IContentRoyalties
    function attributed(bytes32 licenceId, uint32 period) external view returns (uint32) {
        return _attributed[licenceId][period];
    }

    /// @inheritdoc IContentRoyalties
    function currentSplit(uint256 tokenId) external view returns (bytes32) {
        bytes32 splitId = _current[tokenId];
        if (splitId == bytes32(0) || _splits[splitId].shareVersion != REGISTRY.shareVersion(tokenId)) return bytes32(0);
        return splitId;
    }

    /// @inheritdoc IContentRoyalties
    function split(bytes32 splitId) external view returns (uint256, uint64, uint256) {
        Split memory found = _splits[splitId];
        if (found.tokenId == 0) revert UnknownSplit(splitId);
        return (found.tokenId, found.shareVersion, found.received);
    }

    /// @inheritdoc IContentRoyalties
    function shareIn(bytes32 splitId, address recipient) external view returns (uint16) {
        return _bps[splitId][recipient];
    }

    /// @inheritdoc IContentRoyalties
    function claimable(bytes32 splitId, address recipient) external view returns (uint256) {
        return (_splits[splitId].received * _bps[splitId][recipient]) / WHOLE - _claimed[splitId][recipient];
    }

    /// @inheritdoc IContentRoyalties
    function periodRoyalties(bytes32 licenceId, uint32 period) external view returns (uint256 paid, uint256 owed) {
        IContentLicences.Licence memory paidFor = LICENCES.licence(licenceId);
        return (
            _paid[licenceId][period],
            uint256(LICENCES.deliveries(licenceId, period)) * paidFor.terms.ratePerDelivery
        );
    }

    /// @inheritdoc IContentRoyalties
    function settlementToken() external view returns (address) {
        return address(TOKEN);
    }

    /// @inheritdoc IContentRoyalties
    function version() external pure returns (string memory) {
        return "1.0.0";
    }

    /// @dev Books what the caller is owed from one split as claimed and returns it (0 if nothing new); the caller
    /// transfers. A fixed number of slots per split whatever its recipient count.
    function _take(bytes32 splitId) private returns (uint256 amount) {
        Split storage paidInto = _splits[splitId];
        if (paidInto.tokenId == 0) revert UnknownSplit(splitId);
        uint16 share = _bps[splitId][msg.sender];
        if (share == 0) revert NotARecipient(splitId, msg.sender);
        uint256 claimed = _claimed[splitId][msg.sender];
        amount = (paidInto.received * share) / WHOLE - claimed;
        if (amount == 0) return 0;
        _claimed[splitId][msg.sender] = claimed + amount;
        emit RoyaltiesClaimed(splitId, msg.sender, amount);
    }

    /// @dev Checks the split (whole, ordered, every other owner paid at least its share) and stores each recipient's
    /// share, so that a claim later reads one slot for it.
    function _record(
        bytes32 splitId,
        uint256 tokenId,
        uint64 shareVersion,
        address holder,
        address[] calldata recipients,
        uint16[] calldata bps
    ) private {
        uint256 sum = 0;
        uint256 ownersCovered = 0;
        address previous = address(0);
        for (uint256 i = 0; i < recipients.length; ++i) {
            address recipient = recipients[i];
            if (recipient <= previous) revert SplitRecipientsUnordered(i);
            previous = recipient;
            sum += bps[i];
            if (recipient != holder) {
                uint16 owned = REGISTRY.shareOf(tokenId, recipient);
                if (bps[i] < owned) revert SplitUnderpaysOwner(recipient, owned, bps[i]);
                ownersCovered += owned;
            }
            _bps[splitId][recipient] = bps[i];
        }
        if (sum != WHOLE) revert SplitNotWhole(sum);
        uint16 sold = REGISTRY.sharesSold(tokenId);
        if (ownersCovered != sold) revert SplitUnderpaysOwner(address(0), sold, uint16(ownersCovered));
        _splits[splitId] = Split({tokenId: tokenId, shareVersion: shareVersion, received: 0});
    }
}
