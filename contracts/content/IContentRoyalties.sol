// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/// @title IContentRoyalties
/// @notice Delivery-metered royalties in the consortium's settlement token, paid out through pull-based splits.
/// A work's token holder declares a split: recipients (creators, owners, distributors, promoters) with shares in basis
/// points summing to exactly 100%, which must give every other owner of the work at least its ownership share
/// (ContentRegistry.shareOf), so a holder cannot dilute the aggregator it sold 30% to. The licensee of a licence pays
/// the royalties of a period: the deliveries it anchored in that period (ContentLicences.deliveries) times the
/// licence's rate, minus what it already paid for that period; the payment goes to the work's current split. Each
/// recipient then claims its part itself: a claim reads and writes a fixed number of slots whatever the number of
/// recipients, so a split of thousands costs the same per claim as a split of two. A split declared before the work's
/// owners last changed takes no more payments (its balance stays claimable).
interface IContentRoyalties {
    /// @notice The caller does not hold the work's token.
    error NotWorkHolder(address caller, uint256 tokenId);
    /// @notice The shares sum to `sum` basis points, not 10,000.
    error SplitNotWhole(uint256 sum);
    /// @notice Recipients must be listed in strictly ascending address order (no duplicates), none the zero address.
    error SplitRecipientsUnordered(uint256 index);
    /// @notice The split gives the work's owner `owner` less than its ownership share, or leaves an owner out
    /// (`owner` is then the zero address).
    error SplitUnderpaysOwner(address owner, uint16 ownershipBps, uint16 splitBps);
    /// @notice The work has no split declared under its current owners.
    error SplitNotDeclared(uint256 tokenId, uint64 shareVersion);
    /// @notice No split with this id.
    error UnknownSplit(bytes32 splitId);
    /// @notice The caller is not a recipient of the split.
    error NotARecipient(bytes32 splitId, address caller);
    /// @notice The caller already claimed everything it is owed from the split (`claimed` so far).
    error AlreadyClaimed(bytes32 splitId, address caller, uint256 claimed);
    /// @notice Nothing is owed for this licence and period (no deliveries, or already paid).
    error NothingDue(bytes32 licenceId, uint32 period);
    /// @notice The caller is not the licence's licensee.
    error NotPayer(address caller, bytes32 licenceId);
    /// @notice The promoter fees would attribute more deliveries of the period than the licensee anchored:
    /// `attributed` so far plus `batch` exceeds `anchored`.
    error AttributionExceedsDeliveries(
        bytes32 licenceId,
        uint32 period,
        uint32 attributed,
        uint32 batch,
        uint32 anchored
    );
    /// @notice More recipients than MAX_RECIPIENTS, none, or mismatched arrays; names the argument.
    error InvalidSplitArgument(string what);

    /// @notice The token holder declared split `splitId` for work `tokenId` under its owners' `shareVersion`.
    event SplitDeclared(
        bytes32 indexed splitId,
        uint256 indexed tokenId,
        uint64 shareVersion,
        address[] recipients,
        uint16[] bps
    );
    /// @notice The licensee paid `amount` for `deliveries` deliveries of `period` into the work's split.
    event RoyaltiesPaid(
        bytes32 indexed licenceId,
        uint32 indexed period,
        bytes32 indexed splitId,
        uint256 tokenId,
        uint32 deliveries,
        uint256 amount
    );
    /// @notice `tipper` paid a tip of `amount` into the work's split for a user (`userRef`: a salted reference only the
    /// tipper's agent can link to the user).
    event TipPaid(
        uint256 indexed tokenId,
        bytes32 indexed splitId,
        address indexed tipper,
        uint256 amount,
        bytes32 userRef
    );
    /// @notice The licensee paid `promoter` `amount` (`deliveries` attributed deliveries of `period` at
    /// `feePerDelivery`) directly from its own balance.
    event PromoterFeePaid(
        bytes32 indexed licenceId,
        uint32 indexed period,
        address indexed promoter,
        uint32 deliveries,
        uint256 feePerDelivery,
        uint256 amount
    );
    /// @notice `recipient` claimed `amount` from the split.
    event RoyaltiesClaimed(bytes32 indexed splitId, address indexed recipient, uint256 amount);

    /// @notice Declares the work's split; the caller must hold the work's token. Returns the split id (a hash of the
    /// work, its owners' version and the split itself).
    function declareSplit(
        uint256 tokenId,
        address[] calldata recipients,
        uint16[] calldata bps
    ) external returns (bytes32 splitId);

    /// @notice The licensee pays what the period's anchored deliveries owe, pulling it with transferFrom (approve
    /// this contract on the settlement token first). Returns the amount paid.
    function payRoyalties(bytes32 licenceId, uint32 period) external returns (uint256 amount);

    /// @notice The caller (an operator, for a user it bills) tips the work: `amount` is pulled with transferFrom into
    /// the work's current split and shared like royalties. Returns the split paid into.
    function tip(uint256 tokenId, uint256 amount, bytes32 userRef) external returns (bytes32 splitId);

    /// @notice The caller claims what it is owed from the split. Returns the amount sent.
    function claim(bytes32 splitId) external returns (uint256 amount);

    /// @notice The caller claims from many splits (of many works) at once, in one transfer: splits with nothing new
    /// for it are skipped, and the call is refused (AlreadyClaimed on the first split) only if none owes it anything.
    /// At most MAX_CLAIMS_AT_ONCE splits; the cost per split is fixed whatever each split's recipient count.
    function claimMany(bytes32[] calldata splitIds) external returns (uint256 amount);

    /// @notice The licensee pays a promoter (or influencer) a fee for `deliveries` deliveries of `period` attributed
    /// to it, at `feePerDelivery`, pulled with transferFrom from the caller straight to the promoter. The deliveries
    /// attributed under a licence and period, to all promoters together, never exceed those anchored.
    function payPromoterFees(
        bytes32 licenceId,
        uint32 period,
        address promoter,
        uint32 deliveries,
        uint256 feePerDelivery
    ) external returns (uint256 amount);

    /// @notice Deliveries of the licence and period already attributed to promoters with a fee paid.
    function attributed(bytes32 licenceId, uint32 period) external view returns (uint32);

    /// @notice The work's current split id (0 if none declared under its current owners).
    function currentSplit(uint256 tokenId) external view returns (bytes32);

    /// @notice The split's work, owners' version and total received so far.
    function split(bytes32 splitId) external view returns (uint256 tokenId, uint64 shareVersion, uint256 received);

    /// @notice `recipient`'s share of the split in basis points.
    function shareIn(bytes32 splitId, address recipient) external view returns (uint16);

    /// @notice What `recipient` could claim from the split now.
    function claimable(bytes32 splitId, address recipient) external view returns (uint256);

    /// @notice What the licensee paid for the licence's deliveries in `period`, and what they owe in all.
    function periodRoyalties(bytes32 licenceId, uint32 period) external view returns (uint256 paid, uint256 owed);

    /// @notice The settlement token royalties are paid in.
    function settlementToken() external view returns (address);

    /// @notice The contract's version, "1.0.0".
    function version() external pure returns (string memory);
}
